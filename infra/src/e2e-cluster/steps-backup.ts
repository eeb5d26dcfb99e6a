// Step 11: backup and restore on the live release, with the same code as infra:backup and
// infra:restore (../backup/cli.ts backup() and restore(), arguments through its own parser):
//   1. a new user signs up through web; tasks (one completed) and a conversation with the assistant;
//   2. backup(): pg_dump -Fc from the PostgreSQL pod (kubectl exec) into a temp file;
//   3. the data destroyed: the StatefulSet scaled to 0, its claim deleted, scaled back, so a
//      fresh, empty volume is provisioned and initialised;
//   4. restore() without --force (so the fresh database must read as empty): api and web
//      stopped, pg_restore, the chart's migrations as a Job, api and web started again;
//   5. the user signs in with the same password and sees the same tasks and conversation
//      messages (ids included); step 3's user (ctx.user) keeps its session and its tasks.
// After the steps whose state it replaces (pods, HPA, policies) and before doctorLive and
// dayTwo: it waits for the api's autoscaler to read CPU from the new pods (doctorLive wants a
// settled release) and deletes its migration Job, so dayTwo's "every pod gone" still holds.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { HorizontalPodAutoscaler } from '@todo/kube';
import { backup, parseBackupArgs, restore } from '../backup/cli';
import { chat, completeTask, createTask, signIn, view, type UserView, type WebUser } from '../containers/web-client';
import { CONTEXT, layout } from '../hermetic/layout';
import { adminKubectl } from '../hermetic/node';
import type { Release } from './cluster';
import { expect, seconds, type Step } from './step';
import { listTasks, PASSWORD, signUp } from './traffic';

interface Claim {
  metadata: { name: string; uid: string };
  status?: { phase?: string };
}

const describe = (v: UserView) => `${v.tasks.length} tasks (${v.tasks.filter((t) => t.completed).length} completed), ${v.conversations.length} conversation(s), ${v.conversations.flatMap((c) => c.messages).length} messages`;

/** A user with two tasks (one completed) and a two-turn conversation, made through web. */
async function seed(webUrl: string): Promise<{ user: WebUser; before: UserView }> {
  const { email, cookie } = await signUp(webUrl, 'backup');
  const user: WebUser = { email, password: PASSWORD, cookie };
  const first = await createTask(webUrl, user, 'kept across a restore', 'made before the backup');
  await createTask(webUrl, user, 'second task, still open');
  await completeTask(webUrl, user, first.id);
  const conversation = await chat(webUrl, user, 'add a task: buy milk');
  await chat(webUrl, user, 'list my tasks', conversation);
  return { user, before: await view(webUrl, user) };
}

/** The PostgreSQL StatefulSet's claims, by the labels its volumeClaimTemplate gives them. */
const claims = async (r: Release) => (await r.json<{ items: Claim[] }>(['get', 'pvc', '-l', r.selector('postgresql'), '-o', 'json'])).items;

/** Scale PostgreSQL to 0, delete its claim(s), scale back: a new, empty volume and database. */
async function destroyData(r: Release): Promise<{ deleted: string[] }> {
  const sts = `statefulset/${r.fullname('postgresql')}`;
  const replicas = Number((await r.run(['get', sts, '-o', 'jsonpath={.spec.replicas}'])).stdout.trim() || '1');
  const old = await claims(r);
  expect(old.length > 0, `no PersistentVolumeClaim labelled ${r.selector('postgresql')}: is postgresql.persistence enabled?`);
  await r.run(['scale', sts, '--replicas=0']);
  await r.until('the PostgreSQL pod gone', async () => (await r.pods('postgresql')).length === 0, 120_000);
  await r.run(['delete', 'pvc', ...old.map((c) => c.metadata.name), '--wait=true', '--timeout=120s']);
  await r.run(['scale', sts, `--replicas=${replicas}`]);
  await r.until('a fresh PostgreSQL Ready on a new volume', async () => {
    const now = await claims(r);
    return now.length === old.length && now.every((c) => c.status?.phase === 'Bound' && !old.some((o) => o.metadata.uid === c.metadata.uid)) && (await r.allReady('postgresql'));
  }, 240_000, 2000);
  return { deleted: old.map((c) => c.metadata.name) };
}

export const backupRestore: Step = {
  title: 'backup and restore: infra:backup to a file, the PostgreSQL volume destroyed, infra:restore (migrations included) brings back the same user, tasks and conversation',
  async run(ctx) {
    const r = ctx.release;
    for (const c of ['api', 'web', 'postgresql'] as const) await r.until(`${c} Ready`, () => r.allReady(c));
    // infra:backup/restore's kubectl (the CLI makes it with no request timeout); the release's own
    // has one of 30 s, which a long `kubectl wait` or a streaming exec must not be held to.
    const kubectl = await adminKubectl(layout(), '0');
    const target = ['--release', r.name, '--namespace', r.namespace, '--context', CONTEXT];
    const dir = mkdtempSync(path.join(tmpdir(), 'todo-e2e-backup-'));
    const file = path.join(dir, `${r.name}.dump`);
    const printed: string[] = [];
    const print = (line: string) => {
      printed.push(line);
      console.log(`    ${line}`);
    };
    let migrationJob: string | undefined;
    try {
      const { user, before } = await seed(r.webUrl);
      expect(before.tasks.length >= 2 && before.tasks.some((t) => t.completed) && (before.conversations[0]?.messages.length ?? 0) >= 2, `the seeded user does not hold tasks and a conversation: ${describe(before)}`);
      const earlierUser = ctx.user ? (await listTasks(r.webUrl, ctx.user)).map((t) => t.title).sort() : [];

      let began = Date.now();
      await backup(kubectl, parseBackupArgs(['backup', ...target, '--file', file]), print);
      const backupMs = Date.now() - began;
      const bytes = statSync(file).size;
      expect(bytes > 0 && printed.some((l) => /^backup: .* in total$/.test(l)), `the backup wrote ${bytes} bytes and reported no progress`);

      began = Date.now();
      const { deleted } = await destroyData(r);
      const destroyMs = Date.now() - began;

      // No --force: the restore refuses a database that holds rows, so it going ahead proves the
      // fresh one is empty.
      began = Date.now();
      await restore(kubectl, parseBackupArgs(['restore', ...target, '--file', file]), print);
      const restoreMs = Date.now() - began;
      migrationJob = printed.map((l) => /^migrating the restored database: Job (\S+)/.exec(l)?.[1]).find(Boolean);
      expect(migrationJob !== undefined, 'the restore ran no migration Job');
      // The restore returns only once its Job completed, and then deletes it (not the chart's).
      const left = await r.run(['get', 'job', migrationJob, '--ignore-not-found', '-o', 'name']);
      expect(left.stdout.trim() === '', `the restore left its migration Job ${migrationJob} behind`);
      for (const c of ['api', 'web'] as const) await r.until(`${c} Ready after the restore`, () => r.allReady(c), 180_000);
      // The api's pods are all new: its autoscaler has no CPU figures until metrics-server has
      // scraped them (doctorLive, next, counts an HPA without metrics as a warning).
      const hpaMs = await r.until('the api autoscaler reading CPU again', async () => {
        const h = await r.json<HorizontalPodAutoscaler>(['get', 'hpa', r.fullname('api'), '-o', 'json']);
        const active = (h.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.find((c) => c.type === 'ScalingActive')?.status === 'True';
        return active && h.status?.currentMetrics?.some((m) => m.resource?.name === 'cpu' && m.resource.current?.averageUtilization !== undefined) === true;
      }, 180_000, 2000);

      const again = await signIn(r.webUrl, user.email, PASSWORD);
      const after = await view(r.webUrl, again);
      expect(isDeepStrictEqual(after.tasks, before.tasks), `after the restore ${user.email} sees other tasks: ${JSON.stringify(after.tasks)} (before: ${JSON.stringify(before.tasks)})`);
      expect(isDeepStrictEqual(after.conversations, before.conversations), `after the restore ${user.email} sees other conversations: ${describe(after)} (before: ${describe(before)})`);
      const next = await createTask(r.webUrl, again, 'written after the restore');
      expect(next.id > Math.max(...before.tasks.map((t) => t.id)), `a task written after the restore got id ${next.id}: the sequences were not restored`);
      if (ctx.user) {
        // The session cookie from step 3 still works: sessions are in the dump, the Secret is the same.
        const kept = (await listTasks(r.webUrl, ctx.user)).map((t) => t.title).sort();
        expect(isDeepStrictEqual(kept, earlierUser), `step 3's user sees ${kept.length} tasks after the restore, ${earlierUser.length} before`);
      }

      ctx.figures['backup: pg_dump to a file'] = backupMs;
      ctx.figures['backup: dump size (bytes)'] = String(bytes);
      ctx.figures['backup: volume destroyed → fresh PostgreSQL Ready'] = destroyMs;
      ctx.figures['restore: apps stopped → restored, migrated, apps Ready'] = restoreMs;
      ctx.figures['restore: apps Ready → api autoscaler reading CPU'] = hpaMs;
      return (
        `backup of ${bytes} bytes in ${seconds(backupMs)}; claim ${deleted.join(', ')} deleted, fresh PostgreSQL Ready in ${seconds(destroyMs)}; ` +
        `restore (empty-database check, pg_restore, migration Job ${migrationJob}, apps back) in ${seconds(restoreMs)}; ` +
        `${user.email} signed in with the same password and saw the same ${describe(after)}${ctx.user ? `; step 3's user kept its session and ${earlierUser.length} tasks` : ''}`
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      // Normally gone already (above); after a failure, helm uninstall (dayTwo) would leave it.
      if (migrationJob) await r.run(['delete', 'job', migrationJob, '--cascade=foreground', '--wait=true', '--timeout=60s', '--ignore-not-found']).catch(() => undefined);
    }
  },
};
