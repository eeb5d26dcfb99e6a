// Step 11: the chart's NetworkPolicies enforced (cluster-up runs kube-network-policies). A
// pod of the release's namespace without the release's labels reaches web, which takes
// traffic from the whole namespace, but neither the api nor PostgreSQL.
import { expect, type Step } from './step';

const PROBE = 'e2e-netpol-probe';
const ATTEMPTS = 3;

/** Python inside the api image: connect to each target, ATTEMPTS tries of 3 s; prints one JSON line. */
const probeScript = (targets: Record<string, [string, number]>) =>
  [
    'import json, socket',
    `targets = ${JSON.stringify(targets)}`,
    'def reach(host, port):',
    `    for _ in range(${ATTEMPTS}):`,
    '        try:',
    '            socket.create_connection((host, port), timeout=3).close()',
    '            return "reachable"',
    '        except OSError as e:',
    '            why = type(e).__name__',
    '    return "blocked (" + why + ")"',
    'print(json.dumps({name: reach(*t) for name, t in targets.items()}))',
  ].join('\n');

export const networkPolicies: Step = {
  title: 'NetworkPolicies enforced: a pod without the allowed labels reaches web but neither api nor PostgreSQL',
  async run(ctx) {
    const r = ctx.release;
    const policies = (await r.run(['get', 'networkpolicies', '-o', 'name'])).stdout.trim().split('\n').filter(Boolean);
    expect(policies.length > 0, 'the release has no NetworkPolicy (networkPolicy.enabled is off?)');
    const image = (await r.pods('api'))[0]!.images[0]!;
    const targets: Record<string, [string, number]> = { web: [r.fullname('web'), 80], api: [r.fullname('api'), 8000], postgresql: [r.fullname('postgresql'), 5432] };
    const probe = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: PROBE, namespace: r.namespace, labels: { 'todo-e2e': 'netpol-probe' } },
      spec: {
        restartPolicy: 'Never',
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: PROBE, // kubectl run's container name: the overrides merge into it
            image,
            imagePullPolicy: 'Never',
            command: ['python', '-c', probeScript(targets)],
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    };
    await r.run(['delete', 'pod', PROBE, '--ignore-not-found', '--wait=true']);
    await r.run(['run', PROBE, `--image=${image}`, '--restart=Never', `--overrides=${JSON.stringify(probe)}`]);
    try {
      await r.until(`pod ${PROBE} finished`, async () => /^(Succeeded|Failed)$/.test((await r.run(['get', 'pod', PROBE, '-o', 'jsonpath={.status.phase}'])).stdout.trim()), 120_000, 1000);
      const log = (await r.run(['logs', PROBE])).stdout.trim();
      const seen = JSON.parse(log.split('\n').pop() ?? '{}') as Record<string, string>;
      const summary = Object.entries(seen).map(([name, result]) => `${name} ${result}`).join(', ');
      expect(seen['web'] === 'reachable', `the probe pod could not reach web (its policy admits the namespace): ${summary || log}`);
      for (const denied of ['api', 'postgresql']) expect(seen[denied]?.startsWith('blocked') ?? false, `the probe pod reached ${denied}, which only the release's own pods may: ${summary || log}`);
      return `${policies.length} policies; from pod ${PROBE} (label todo-e2e=netpol-probe, no release labels): ${summary}`;
    } finally {
      await r.run(['delete', 'pod', PROBE, '--ignore-not-found', '--wait=false']);
    }
  },
};
