// Steps 7–9: pods deleted under load, autoscaling on real CPU figures, and DNS by
// Service name from inside a pod.
import type { HorizontalPodAutoscaler } from '@todo/kube';
import type { Component } from './cluster';
import { expect, seconds, type Step } from './step';
import { listTasks, traffic, underTraffic } from './traffic';

export const faults: Step = {
  title: 'faults: an api pod deleted under load loses 0 requests; the PostgreSQL pod deleted loses no acknowledged task; PostgreSQL away makes the api unready',
  async run(ctx) {
    const r = ctx.release;
    const api = (await r.pods('api')).filter((p) => !p.deleting);
    expect(api.length >= 2, `the api runs ${api.length} pod(s); the step needs 2 (infra/values/e2e-cluster.yaml)`);
    const victim = api[0]!;
    const { value: replacedMs, traffic: t } = await underTraffic(r.webUrl, ctx.user!, async () => {
      const began = Date.now();
      await r.run(['delete', 'pod', victim.name, '--wait=false']);
      await r.until('a replacement api pod Ready', async () => {
        const pods = (await r.pods('api')).filter((p) => !p.deleting);
        return pods.length >= api.length && pods.every((p) => p.ready) && !pods.some((p) => p.uid === victim.uid);
      });
      return Date.now() - began;
    });
    expect(t.failed === 0, `${t.failed} of ${t.requests} requests failed while an api pod was deleted: ${t.failures.join('; ')}`);

    const acknowledged = (await listTasks(r.webUrl, ctx.user!)).map((task) => task.title);
    // The pod deleted: its replacement is often Ready in seconds, well inside the api's
    // readiness window (3 failures 5 s apart), so only recovery is asked of this part.
    const pg = (await r.pods('postgresql'))[0]!;
    const began = Date.now();
    await r.run(['delete', 'pod', pg.name, '--wait=false']);
    // web's readiness checks its database too: the NodePort serves once web is Ready again.
    const serving = async () => (await r.allReady('postgresql')) && (await r.allReady('api')) && (await r.allReady('web'));
    await r.until('a new PostgreSQL pod Ready, and api and web Ready', async () => {
      const replaced = (await r.pods('postgresql')).some((p) => p.uid !== pg.uid && p.ready && !p.deleting);
      return replaced && (await serving());
    }, 180_000, 500);
    const recoveredMs = Date.now() - began;
    // The first calls after the restart: the api's pooled connections to the old server are
    // replaced, not handed out (apps/api/todo_api/core/db.py).
    const after = (await listTasks(r.webUrl, ctx.user!)).map((task) => task.title);
    const lost = acknowledged.filter((title) => !after.includes(title));
    expect(lost.length === 0, `${lost.length} acknowledged tasks are gone after PostgreSQL's restart: ${lost.slice(0, 3).join(', ')}`);

    // PostgreSQL away for longer (its StatefulSet at 0): every api pod that was serving turns
    // unready (the same pods: one the autoscaler adds or removes meanwhile proves nothing).
    const statefulSet = r.fullname('postgresql');
    const serving0 = (await r.pods('api')).filter((p) => !p.deleting).map((p) => p.uid);
    const awayBegan = Date.now();
    await r.run(['scale', 'statefulset', statefulSet, '--replicas=0']);
    let unreadyMs: number;
    let backBegan: number;
    try {
      await r.until('every api pod unready while PostgreSQL is away', async () => {
        const pods = (await r.pods('api')).filter((p) => serving0.includes(p.uid) && !p.deleting);
        return pods.length > 0 && pods.every((p) => !p.ready);
      }, 120_000, 500);
      unreadyMs = Date.now() - awayBegan;
    } finally {
      backBegan = Date.now();
      await r.run(['scale', 'statefulset', statefulSet, '--replicas=1']);
    }
    await r.until('PostgreSQL, api and web Ready again', serving, 180_000, 500);
    const backMs = Date.now() - backBegan;
    expect((await listTasks(r.webUrl, ctx.user!)).length === after.length, 'the tasks changed while PostgreSQL was away');
    ctx.figures['api pod deleted: replacement Ready'] = replacedMs;
    ctx.figures['api pod deleted: requests / failed'] = `${t.requests} / ${t.failed}`;
    ctx.figures['PostgreSQL pod deleted: api serving again'] = recoveredMs;
    ctx.figures['PostgreSQL away: api unready after'] = unreadyMs;
    ctx.figures['PostgreSQL back: api Ready again after'] = backMs;
    return `api pod replaced in ${seconds(replacedMs)} with ${t.requests} requests, 0 failed; PostgreSQL pod replaced and serving in ${seconds(recoveredMs)}, all ${acknowledged.length} tasks kept; with PostgreSQL scaled to 0 the api went unready in ${seconds(unreadyMs)}, Ready ${seconds(backMs)} after it returned`;
  },
};

export const autoscaling: Step = {
  title: 'autoscaling: the HPA reads real CPU, scales the api up under load and back down after it',
  async run(ctx) {
    const r = ctx.release;
    const hpa = () => r.json<HorizontalPodAutoscaler>(['get', 'hpa', r.fullname('api'), '-o', 'json']);
    const cpu = (h: HorizontalPodAutoscaler) => h.status?.currentMetrics?.find((m) => m.resource?.name === 'cpu')?.resource?.current?.averageUtilization;
    await r.until('the HPA shows CPU use (not <unknown>)', async () => cpu(await hpa()) !== undefined, 180_000, 2000);
    const min = (await hpa()).spec?.minReplicas ?? 1;
    let release!: () => void;
    const stop = new Promise<void>((resolve) => (release = resolve));
    const began = Date.now();
    const load = traffic(r.webUrl, ctx.user!, stop, 16);
    let peak = min;
    // Memory under the heaviest load of the run, for the chart's requests and limits.
    const memory: Partial<Record<Component, number>> = {};
    let memoryError: unknown;
    const sampleMemory = async () => {
      try {
        for (const [c, mib] of Object.entries(await r.memoryMiB())) memory[c as Component] = Math.max(memory[c as Component] ?? 0, mib);
      } catch (err) {
        memoryError = err; // metrics-server may skip a scrape; one reading is enough
      }
    };
    try {
      await r.until(`the api scaled above its minimum of ${min}`, async () => {
        await sampleMemory();
        peak = Math.max(peak, (await hpa()).status?.desiredReplicas ?? 0);
        return peak > min && (await r.pods('api')).filter((p) => p.ready && !p.deleting).length > min;
      }, 300_000, 2000);
    } finally {
      release();
    }
    const upMs = Date.now() - began;
    const result = await load;
    const oom = await r.oomKilled();
    expect(oom.length === 0, `killed for memory (raise the limit): ${oom.join(', ')}`);
    expect(Object.keys(memory).length > 0, `metrics-server gave no memory figure during the load: ${String(memoryError)}`);
    const downBegan = Date.now();
    await r.until(`the api back to ${min} replicas after the load`, async () => (await hpa()).status?.currentReplicas === min && (await r.pods('api')).length === min, 420_000, 5000);
    const downMs = Date.now() - downBegan;
    ctx.figures['HPA: load start → scaled up'] = upMs;
    ctx.figures['HPA: load end → back to minimum'] = downMs;
    const mib = (Object.keys(memory) as Component[]).sort().map((c) => `${c} ${memory[c]!.toFixed(0)}`).join(', ');
    ctx.figures['peak working set of one pod under load, MiB'] = mib;
    return `CPU read by metrics-server; ${min} → ${peak} replicas (and Ready) ${seconds(upMs)} into the load (${result.requests} requests, ${result.failed} failed), back to ${min} ${seconds(downMs)} after it; no container killed for memory; peak working set per pod ${mib} MiB`;
  },
};

export const dns: Step = {
  title: "DNS: web reaches api and PostgreSQL by Service name, and {service}.{namespace}.svc.cluster.local resolves",
  async run(ctx) {
    const r = ctx.release;
    const web = (await r.pods('web')).find((p) => p.ready)!;
    const names = [r.fullname('api'), `${r.fullname('api')}.${r.namespace}.svc.cluster.local`, r.fullname('postgresql'), `${r.fullname('postgresql')}.${r.namespace}.svc.cluster.local`];
    // Node inside the web container: resolve each name, then fetch the api's health by its short name.
    const script = [
      "const dns = require('node:dns').promises;",
      `const names = ${JSON.stringify(names)};`,
      "(async () => { for (const n of names) console.log(n, (await dns.lookup(n)).address);",
      `const res = await fetch('http://${r.fullname('api')}:8000/healthz'); console.log('api /healthz', res.status); if (!res.ok) process.exit(1); })().catch((e) => { console.error(String(e)); process.exit(1); });`,
    ].join(' ');
    const { stdout } = await r.run(['exec', web.name, '-c', 'web', '--', 'node', '-e', script]);
    const lines = stdout.trim().split('\n');
    for (const name of names) expect(lines.some((l) => l.startsWith(`${name} 10.`)), `${name} did not resolve to a ClusterIP: ${stdout}`);
    expect(lines.includes('api /healthz 200'), `web could not reach the api by name: ${stdout}`);
    return `from ${web.name}: ${lines.join('; ')}`;
  },
};
