// Steps 1–6: install, the browser suite through the Service, a no-change deploy, a
// change to the api alone under traffic, a failed upgrade that rolls itself back, and an
// operator's rollback.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Helm, runCommand } from '@todo/kube';
import { rollback } from '../cluster/commands';
import { toolsFor } from '../cluster/cli';
import { deploy } from '../deploy/deploy';
import type { DeployOptions } from '../deploy/plan';
import { readImageReports } from '../deploy/plan';
import { DeployFailed } from '../deploy/release';
import { CONTEXT } from '../hermetic/layout';
import { root } from '../workspace';
import { expect, seconds, type Context, type Step } from './step';
import { listTasks, signUp, underTraffic } from './traffic';

/** The file step 4 edits: a comment appended to it changes the api image's inputs only. */
export const API_SOURCE = 'apps/api/todo_api/__init__.py';

function options(ctx: Context, extra: Partial<DeployOptions> = {}): DeployOptions {
  return { release: ctx.release.name, namespace: ctx.release.namespace, kubeContext: CONTEXT, load: 'hermetic', values: ctx.values, timeout: '5m', dryRun: false, ...extra };
}

/** deploy() in process; returns its log and when the release was Ready (before helm test). */
async function deployLogged(ctx: Context, extra: Partial<DeployOptions> = {}): Promise<{ lines: string[]; readyMs: number; totalMs: number }> {
  const lines: string[] = [];
  const began = Date.now();
  let readyMs = 0;
  await deploy(options(ctx, extra), (line) => {
    lines.push(line);
    if (/^(rolled out:|no Deployment changed)/.test(line)) readyMs = Date.now() - began;
    if (!line.includes('level=DEBUG')) console.log(`    ${line.split('\n').join('\n    ')}`);
  });
  return { lines, readyMs, totalMs: Date.now() - began };
}

const helm = () => Helm.create({ workspaceRoot: root, kubeContext: CONTEXT, namespace: 'todo' });

export const install: Step = {
  title: 'install on an empty cluster: every pod Ready, migrations done, helm test passes',
  async run(ctx) {
    const { readyMs, totalMs } = await deployLogged(ctx);
    const r = ctx.release;
    for (const component of ['postgresql', 'api', 'web'] as const) expect(await r.allReady(component), `${component} pods are not all Ready`);
    const job = await r.json<{ status?: { succeeded?: number } }>(['get', 'job', `${r.fullname('migrate')}-install`, '-o', 'json']);
    expect((job.status?.succeeded ?? 0) >= 1, 'the migration Job did not succeed');
    ctx.figures['install: images built → all Ready'] = readyMs;
    ctx.figures['install: whole deploy incl. helm test'] = totalMs;
    return `all Ready ${seconds(readyMs)} after the deploy began (goal ≤ 60 s); migrations Job succeeded; helm test passed; deploy ${seconds(totalMs)} in all`;
  },
};

export const browserSuite: Step = {
  title: 'through the Service: the Playwright suite against web on its NodePort',
  async run(ctx) {
    const r = ctx.release;
    const secret = await r.secret();
    const dir = path.join(ctx.reportsDir, 'browser');
    // It holds the release's secrets: private, outside the reports CI keeps, removed after.
    const stateDir = mkdtempSync(path.join(tmpdir(), 'todo-e2e-cluster-'));
    const stateFile = path.join(stateDir, 'stack-state.json');
    const pg = await r.clusterIp(r.fullname('postgresql'));
    const webImage = (await r.pods('web'))[0]!.images[0]!;
    writeFileSync(
      stateFile,
      JSON.stringify({
        webUrl: r.webUrl,
        apiUrl: `http://${r.fullname('api')}:8000`,
        // The host is the node: it reaches a ClusterIP through kube-proxy's rules.
        databaseUrl: `postgresql://todo:${encodeURIComponent(secret['postgres-password'] ?? '')}@${pg}:5432/todo`,
        secrets: { jwt: secret['jwt-secret'], auth: secret['better-auth-secret'] },
        pids: {},
        specs: {},
        kubernetes: {
          kubeconfig: process.env['KUBECONFIG'],
          context: CONTEXT,
          namespace: r.namespace,
          apiDeployment: r.fullname('api'),
          apiSelector: r.selector('api'),
          apiReplicas: (await r.pods('api')).length,
          webImage,
        },
      }),
      { mode: 0o600 },
    );
    const began = Date.now();
    try {
      await runCommand(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', '-c', 'apps/web-e2e/playwright.config.ts'], {
        cwd: root,
        output: 'inherit',
        env: { ...process.env, E2E_STACK_STATE: stateFile, E2E_WEB_URL: r.webUrl, E2E_REPORT_DIR: dir },
      });
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
    ctx.figures['browser suite through the NodePort'] = Date.now() - began;
    const junit = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    const tests = /tests="(\d+)"/.exec(junit)?.[1] ?? '?';
    return `${tests} browser tests passed against ${r.webUrl} in ${seconds(Date.now() - began)}`;
  },
};

export const noChange: Step = {
  title: 'no change: a second deploy rebuilds nothing and restarts nothing',
  async run(ctx) {
    const r = ctx.release;
    const before = [...(await r.uids('api')), ...(await r.uids('web')), ...(await r.uids('postgresql'))];
    const { lines, totalMs } = await deployLogged(ctx);
    const after = [...(await r.uids('api')), ...(await r.uids('web')), ...(await r.uids('postgresql'))];
    expect(lines.some((l) => l.startsWith('the node already has every image')), 'the deploy imported images the node had');
    expect(lines.includes('no Deployment changed: no pod was restarted'), 'the deploy rolled a Deployment');
    expect(JSON.stringify(before) === JSON.stringify(after), `pod UIDs changed:\n  before ${before.join(' ')}\n  after  ${after.join(' ')}`);
    ctx.figures['no-change deploy'] = totalMs;
    ctx.user = await signUp(r.webUrl, 'survivor');
    return `${before.length} pods kept their UIDs; nothing imported; deploy ${seconds(totalMs)}`;
  },
};

export const changeOnly: Step = {
  title: 'change only, under traffic: an api source edit rebuilds and rolls only the api, with 0 failed requests',
  async run(ctx) {
    const r = ctx.release;
    const reportsBefore = readImageReports(root);
    const history = await (await helm()).history(r.name, { max: 1 });
    ctx.beforeChange = { revision: history.at(-1)!.revision, apiImage: (await r.pods('api'))[0]!.images[0]! };
    const webBefore = await r.uids('web');
    const apiBefore = await r.uids('api');
    const file = path.join(root, API_SOURCE);
    const original = readFileSync(file, 'utf8');
    const marker = `# infra:e2e-cluster change-only step ${Date.now()}`;
    writeFileSync(file, `${original}${marker}\n`);
    // The edit is undone however the build ends, an interrupted run included.
    const restore = () => writeFileSync(file, original);
    process.once('SIGINT', restore).once('SIGTERM', restore);
    try {
      await runCommand('npm', ['run', 'nx', '--', 'run-many', '-t', 'docker-build', '-p', 'api', 'web', '--outputStyle=stream'], { cwd: root, output: 'inherit' });
    } finally {
      restore();
      process.off('SIGINT', restore).off('SIGTERM', restore);
    }
    const reportsAfter = readImageReports(root);
    expect(reportsAfter.api.tag !== reportsBefore.api.tag, 'the api image was not rebuilt');
    expect(reportsAfter.web.tag === reportsBefore.web.tag, 'the web image was rebuilt too');
    // The new image carries the edit itself (a build cache must not serve the old sources).
    const shipped = await runCommand('docker', ['run', '--rm', '--entrypoint', 'python', reportsAfter.api.ref, '-c', 'import pathlib, todo_api; print(pathlib.Path(todo_api.__file__).read_text())']);
    expect(shipped.stdout.includes(marker), `the rebuilt api image (${reportsAfter.api.ref}) does not contain the edit to ${API_SOURCE}`);
    const { value, traffic } = await underTraffic(r.webUrl, ctx.user!, () => deployLogged(ctx));
    const apiAfter = await r.uids('api');
    expect(JSON.stringify(await r.uids('web')) === JSON.stringify(webBefore), 'web pods were restarted');
    expect(apiAfter.every((uid) => !apiBefore.includes(uid)), 'not every api pod was replaced');
    expect((await r.pods('api')).every((p) => p.images[0]!.endsWith(`:${reportsAfter.api.tag}`)), 'api pods do not run the new image');
    expect(traffic.failed === 0, `${traffic.failed} of ${traffic.requests} requests failed during the rollout: ${traffic.failures.join('; ')}`);
    ctx.figures['change-only deploy (api rolled)'] = value.totalMs;
    ctx.figures['rolling update: requests / failed'] = `${traffic.requests} / ${traffic.failed}`;
    return `only api rebuilt (${reportsAfter.api.tag}) and rolled (${apiAfter.length} new pods), web kept its pods; ${traffic.requests} requests during the rollout, 0 failed`;
  },
};

export const failedUpgrade: Step = {
  title: 'failed upgrade: an api that cannot start fails the deploy with its cause, rolls back by itself, and the app serves throughout',
  async run(ctx) {
    const r = ctx.release;
    const broken = path.join(ctx.reportsDir, 'broken-api-values.yaml');
    writeFileSync(broken, 'api:\n  extraEnvVars:\n    - name: OPENAI_BASE_URL\n      value: ftp://not-a-model-server\n');
    const apiBefore = (await r.pods('api')).map((p) => p.images[0]).sort();
    const began = Date.now();
    const { value: error, traffic } = await underTraffic(r.webUrl, ctx.user!, async () => {
      try {
        await deployLogged(ctx, { values: [...ctx.values, broken], timeout: '90s' });
        return undefined;
      } catch (err) {
        return err;
      }
    });
    expect(error instanceof DeployFailed, `the deploy did not fail as a DeployFailed: ${String(error)}`);
    expect(error.message.includes('OPENAI_BASE_URL'), `the deploy's message does not name the cause (OPENAI_BASE_URL):\n${error.message}`);
    expect(error.outcome === 'rolled-back', `the release was not rolled back (outcome ${error.outcome})`);
    await r.until('api back on the previous pods', async () => (await r.allReady('api')) && (await r.pods('api')).filter((p) => !p.deleting).length === apiBefore.length);
    const apiAfter = (await r.pods('api')).map((p) => p.images[0]).sort();
    expect(JSON.stringify(apiAfter) === JSON.stringify(apiBefore), `api runs ${apiAfter.join(', ')}, not ${apiBefore.join(', ')}`);
    expect(traffic.failed === 0, `${traffic.failed} of ${traffic.requests} requests failed while the upgrade failed: ${traffic.failures.join('; ')}`);
    ctx.figures['failed upgrade: fail + diagnose + roll back'] = Date.now() - began;
    return `the deploy failed naming OPENAI_BASE_URL (from the doctor's crash-loop finding), rolled back by itself in ${seconds(Date.now() - began)}; ${traffic.requests} requests meanwhile, 0 failed`;
  },
};

export const operatorRollback: Step = {
  title: "rollback: infra:rollback to the revision before the change runs the previous image, data intact",
  async run(ctx) {
    const r = ctx.release;
    const { revision, apiImage } = ctx.beforeChange!;
    const before = await listTasks(r.webUrl, ctx.user!);
    const began = Date.now();
    const tools = toolsFor({ release: r.name, namespace: r.namespace, kubeContext: CONTEXT }, (line) => console.log(`    ${line}`));
    for (const step of rollback({ release: r.name, namespace: r.namespace, kubeContext: CONTEXT }, revision)) {
      console.log(`    $ ${step.command.join(' ')}`);
      await step.run(tools);
    }
    await r.until('api on the previous image', async () => (await r.allReady('api')) && (await r.pods('api')).every((p) => p.images[0] === apiImage));
    const after = await listTasks(r.webUrl, ctx.user!);
    expect(after.length === before.length && before.every((t) => after.some((a) => a.title === t.title)), `tasks changed across the rollback: ${before.length} before, ${after.length} after`);
    ctx.figures['rollback to the previous image'] = Date.now() - began;
    return `back to revision ${revision}: api runs ${apiImage} again; the user's ${after.length} tasks are all there`;
  },
};
