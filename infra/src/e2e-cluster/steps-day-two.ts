// Steps 12–13: infra:doctor against live states (the healthy release, then a second release
// with induced faults), and the day-two targets: status, logs, destroy.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Helm } from '@todo/kube';
import { destroy, logs, status } from '../cluster/commands';
import { toolsFor } from '../cluster/cli';
import { chartDir } from '../workspace';
import { readImageReports } from '../deploy/plan';
import { analyze } from '../doctor/analyze';
import { collect } from '../doctor/collect';
import { main as doctor } from '../doctor/cli';
import type { Finding } from '../doctor/findings';
import { recordScenario } from '../doctor/record';
import { CONTEXT } from '../hermetic/layout';
import { root } from '../workspace';
import { expect, seconds, type Step } from './step';

const FAULTS = { release: 'faults', namespace: 'todo-faults' };

/** The faults each induced state must produce: finding kind, and the object or words it names. */
const EXPECTED: { fault: string; kind: Finding['kind']; match: RegExp }[] = [
  { fault: 'an image the node lacks (api)', kind: 'image-pull', match: /not-on-this-node/ },
  { fault: 'an unschedulable pod (web asks for 64 CPUs)', kind: 'pending-resources', match: /cpu/i },
  { fault: 'the unwritable volume (PostgreSQL without volumePermissions)', kind: 'crash-loop', match: /volumePermissions/ },
  { fault: 'a Secret key removed (jwt-secret)', kind: 'secret-key-missing', match: /jwt-secret/ },
];

export const doctorLive: Step = {
  title: 'infra:doctor, live: exit 0 on the healthy release; the right finding and fix for each induced fault',
  async run(ctx) {
    const r = ctx.release;
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), env: process.env };
    // A settled release: every pod Ready (the autoscaling step may have left pods starting or stopping).
    for (const c of ['api', 'web', 'postgresql'] as const) await r.until(`${c} settled`, () => r.allReady(c));
    // Both states are also recorded as doctor scenarios (healthy, live-faults: the fixtures' names): the run's artifacts are fixtures.
    const dir = path.join(ctx.reportsDir, 'doctor');
    mkdirSync(dir, { recursive: true });
    const healthy = await doctor(['--release', r.name, '--namespace', r.namespace, '--context', CONTEXT, '--record', path.join(dir, 'healthy')], io);
    expect(healthy === 0, `infra:doctor exited ${healthy} on the healthy release:\n${out.join('\n')}`);

    // A second release, every fault at once (no waiting, no hooks: it never becomes ready).
    const reports = readImageReports(root);
    const helm = await Helm.create({ workspaceRoot: root, kubeContext: CONTEXT, namespace: FAULTS.namespace });
    await helm.upgradeInstall(FAULTS.release, chartDir, {
      createNamespace: true,
      values: ctx.values,
      set: {
        'web.image.repository': reports.web.image,
        'web.image.tag': reports.web.tag,
        'api.image.repository': reports.api.image,
        'api.image.tag': 'not-on-this-node',
        'web.resources.requests.cpu': '64',
        'web.resources.limits.cpu': '64',
        'web.autoscaling.enabled': false,
        'api.autoscaling.enabled': false,
        'postgresql.volumePermissions.enabled': false,
      },
      setJson: { 'web.trustedOrigins': [] },
      wait: false,
    });
    await r.kubectl.run(['--namespace', FAULTS.namespace, 'patch', 'secret', `${FAULTS.release}-todo-chatbot`, '--type=json', '-p', '[{"op":"remove","path":"/data/jwt-secret"}]']);
    const began = Date.now();
    let findings: Finding[] = [];
    const missing = () => EXPECTED.filter((e) => !findings.some((f) => f.kind === e.kind && e.match.test([f.object, f.title, ...f.details, ...f.fix].join('\n'))));
    await r.until(`the doctor's findings for ${EXPECTED.length} faults`, async () => {
      const snapshot = await collect({ release: FAULTS.release, namespace: FAULTS.namespace, context: CONTEXT, workspaceRoot: root });
      findings = analyze(snapshot);
      recordScenario(snapshot, path.join(dir, 'live-faults'));
      return missing().length === 0;
    }, 180_000, 3000).catch((err: Error) => {
      throw new Error(`${err.message}; missing: ${missing().map((m) => m.fault).join(', ')}; found: ${findings.map((f) => `${f.kind} ${f.object}`).join(', ')}`);
    });
    writeFileSync(path.join(dir, 'faults-findings.json'), JSON.stringify(findings, null, 2));
    await helm.uninstall(FAULTS.release, { ignoreNotFound: true, wait: true });
    await r.kubectl.run(['delete', 'namespace', FAULTS.namespace, '--wait=true', '--timeout=120s']);
    ctx.figures['doctor: faults induced → all found'] = Date.now() - began;
    return `exit 0 on the healthy release; found ${EXPECTED.map((e) => `${e.kind} (${e.fault})`).join(', ')} within ${seconds(Date.now() - began)}`;
  },
};

export const dayTwo: Step = {
  title: 'day two: infra:status, infra:logs and infra:destroy against the live release',
  async run(ctx) {
    const r = ctx.release;
    const o = { release: r.name, namespace: r.namespace, kubeContext: CONTEXT };
    const printed: string[] = [];
    const tools = toolsFor(o, (line) => printed.push(line));
    for (const step of status(o)) await step.run(tools);
    expect(printed.some((l) => l.includes('STATUS: deployed')), `infra:status did not show a deployed release:\n${printed.join('\n')}`);
    const statusLines = printed.length;
    for (const step of logs(o, 20)) await step.run(tools);
    expect(printed.slice(statusLines).some((l) => l.includes(`pod/${r.fullname('api')}`)), 'infra:logs printed no api line');
    const began = Date.now();
    for (const step of destroy(o, { purge: true })) await step.run(tools);
    await r.until('every pod of the release gone', async () => (await r.json<{ items: unknown[] }>(['get', 'pods', '-l', `app.kubernetes.io/instance=${r.name}`, '-o', 'json'])).items.length === 0);
    const pvcs = await r.json<{ items: unknown[] }>(['get', 'pvc', '-o', 'json']);
    expect(pvcs.items.length === 0, 'destroy --purge left volume claims');
    ctx.figures['destroy --purge'] = Date.now() - began;
    return `status showed the deployed release; logs printed every container's lines; destroy --purge removed pods, volume and Secret in ${seconds(Date.now() - began)}`;
  },
};
