// Step 10: the chart's NetworkPolicies enforced (cluster-up runs kube-network-policies).
// Three vantage points, so that neither "everything refused" nor "everything allowed" passes:
// a pod without the release's labels (reaches web, whose policy admits any source under the
// hermetic values, but neither api nor PostgreSQL), a pod labelled as the release's helm test
// (reaches api, which admits it; not PostgreSQL), and the api itself (egress to web denied).
import { INSTANCE_LABEL } from '@todo/kube';
import type { Release } from './cluster';
import { expect, type Step } from './step';

type Targets = Record<string, [host: string, port: number]>;
type Seen = Record<string, string>;

/** Python (the api image has it): two tries of 3 s per target; only a timeout counts as blocked. */
const probeScript = (targets: Targets) =>
  [
    'import json, socket',
    `targets = ${JSON.stringify(targets)}`,
    'def reach(host, port):',
    '    why = ""',
    '    for _ in range(2):',
    '        try:',
    '            socket.create_connection((host, port), timeout=3).close()',
    '            return "reachable"',
    '        except TimeoutError:',
    '            why = "blocked (timed out)"',
    '        except OSError as e:',
    '            return "error: " + type(e).__name__ + " " + str(e)',
    '    return why',
    'print(json.dumps({name: reach(*t) for name, t in targets.items()}))',
  ].join('\n');

/** Runs the probe in a new pod with these labels (restricted Pod Security, the api image). */
async function fromPod(r: Release, name: string, labels: Record<string, string>, targets: Targets): Promise<Seen> {
  const image = (await r.pods('api'))[0]!.images[0]!;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: {
      restartPolicy: 'Never',
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'probe',
          image,
          imagePullPolicy: 'Never',
          command: ['python', '-c', probeScript(targets)],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
  await r.run(['delete', 'pod', name, '--ignore-not-found', '--wait=true']);
  // --overrides replaces the pod kubectl run would make with this one (a JSON merge patch).
  await r.run(['run', name, `--image=${image}`, '--restart=Never', `--overrides=${JSON.stringify(pod)}`]);
  try {
    await r.until(`pod ${name} finished`, async () => /^(Succeeded|Failed)$/.test((await r.run(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).stdout.trim()), 120_000);
    return parse((await r.run(['logs', name])).stdout);
  } finally {
    await r.run(['delete', 'pod', name, '--ignore-not-found', '--wait=false']);
  }
}

const parse = (stdout: string): Seen => JSON.parse(stdout.trim().split('\n').pop() || '{}') as Seen;
const show = (seen: Seen) => Object.entries(seen).map(([target, result]) => `${target} ${result}`).join(', ');

export const policiesEnforced: Step = {
  title: 'NetworkPolicies enforced: only the pods the policies name reach api and PostgreSQL; the api reaches nothing but its database',
  async run(ctx) {
    const r = ctx.release;
    const policies = (await r.run(['get', 'networkpolicies', '-o', 'name'])).stdout.trim().split('\n').filter(Boolean);
    expect(policies.length > 0, 'the release has no NetworkPolicy (networkPolicy.enabled is off?)');
    for (const c of ['api', 'web', 'postgresql'] as const) await r.until(`${c} Ready (a refused connection would read as blocked)`, () => r.allReady(c));
    const web: Targets[string] = [r.fullname('web'), 80];
    const api: Targets[string] = [r.fullname('api'), 8000];
    const postgresql: Targets[string] = [r.fullname('postgresql'), 5432];
    const is = (seen: Seen, target: string, want: 'reachable' | 'blocked', who: string) =>
      expect((seen[target] ?? '').startsWith(want), `${who}: ${target} should be ${want}; saw ${show(seen)}`);

    const stranger = await fromPod(r, 'e2e-netpol-stranger', { 'todo-e2e': 'netpol' }, { web, api, postgresql });
    is(stranger, 'web', 'reachable', 'a pod without the release labels');
    is(stranger, 'api', 'blocked', 'a pod without the release labels');
    is(stranger, 'postgresql', 'blocked', 'a pod without the release labels');

    // The labels the api's policy admits for `helm test` pods (no Service selects component=test).
    const testLabels = { [INSTANCE_LABEL]: r.name, 'app.kubernetes.io/name': 'todo-chatbot', 'app.kubernetes.io/component': 'test' };
    const tester = await fromPod(r, 'e2e-netpol-test', testLabels, { api, postgresql });
    is(tester, 'api', 'reachable', 'a pod labelled as the helm test');
    is(tester, 'postgresql', 'blocked', 'a pod labelled as the helm test');

    const apiPod = (await r.pods('api')).find((p) => p.ready)!;
    const fromApi = parse((await r.run(['exec', apiPod.name, '-c', 'api', '--', 'python', '-c', probeScript({ web, postgresql })])).stdout);
    is(fromApi, 'postgresql', 'reachable', 'the api');
    is(fromApi, 'web', 'blocked', 'the api (its egress: the database and DNS only)');

    return `${policies.length} policies; no release labels: ${show(stranger)}; helm-test labels: ${show(tester)}; from the api: ${show(fromApi)}`;
  },
};
