// Backup and restore, end to end on the images (`nx run infra:e2e-backup`, after both
// docker-build targets), with the same stack as e2e-containers (stack.ts: every container
// run as the rendered chart runs it) and the same dump/restore code as infra:backup and
// infra:restore (../backup/pg.ts), here through `docker exec` in the PostgreSQL container:
//   1. two users sign up through web; tasks (one completed) and a conversation with the
//      offline assistant;
//   2. infra:backup's dumpToFile: pg_dump -Fc streamed to reports/infra/e2e-backup/, with progress;
//   3. the refusals: restoring over the live database is refused (not empty), and with
//      --force while the apps are connected (database busy);
//   4. api and web stopped, PostgreSQL and its data volume destroyed, a fresh one started;
//   5. infra:restore's restoreFromFile into it, then the chart's migration containers;
//   6. api and web started again; each user signs in with the same password and sees the
//      same tasks and the same conversation messages (ids included).
// Everything is removed at the end, also on failure.
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { root } from '../workspace';
import { BackupError, dumpToFile, formatBytes, progressLine, restoreFromFile } from '../backup/pg';
import { dockerExecShell } from '../backup/shells';
import { docker, logs } from './docker';
import { Checks } from './run-checks';
import { newStackId, removeStack, runApp, runMigrations, stackNames, startPostgres, startStack, type Stack } from './stack';
import { chat, completeTask, createTask, signIn, signUp, view, type UserView, type WebUser } from './web-client';

const reports = path.join(root, 'reports/infra/e2e-backup');

async function seed(stack: Stack): Promise<{ user: WebUser; before: UserView }[]> {
  const out: { user: WebUser; before: UserView }[] = [];
  for (const [i, name] of ['Ada', 'Grace'].entries()) {
    const user = await signUp(stack.webUrl, `backup-${name.toLowerCase()}-${stack.id}@e2e.test`, `backup-e2e-password-${i}-${stack.id}`, name);
    const first = await createTask(stack.webUrl, user, `${name}'s first task`, 'kept across a restore');
    await createTask(stack.webUrl, user, `${name}'s second task`);
    await completeTask(stack.webUrl, user, first.id);
    const conversation = await chat(stack.webUrl, user, `add a task: buy milk for ${name}`);
    await chat(stack.webUrl, user, 'list my tasks', conversation);
    out.push({ user, before: await view(stack.webUrl, user) });
  }
  return out;
}

/** Stops and removes api and web (their names are reused when they start again). */
async function removeApps(stack: Stack): Promise<void> {
  for (const app of ['web', 'api'] as const) await docker.stop(stack.names[app], 30, { timeoutMs: 60_000 });
  await docker.rm([stack.names.web, stack.names.api], { force: true });
}

async function main(): Promise<boolean> {
  mkdirSync(reports, { recursive: true });
  const checks = new Checks();
  const names = stackNames(newStackId());
  const file = path.join(reports, `todo-${names.id}.dump`);
  const timings: Record<string, number> = {};
  const time = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[what] = performance.now() - started;
    }
  };
  let failed = false;
  try {
    const stack = await time('stack up', () => startStack({ id: names.id }));
    const users = await time('seed through web', () => seed(stack));
    const rows = users.map(({ before }) => `${before.tasks.length} tasks, ${before.conversations.length} conversation(s), ${before.conversations.flatMap((c) => c.messages).length} messages`);
    checks.check('users, tasks and a conversation created through web', users.every(({ before }) => before.tasks.length >= 2 && before.tasks.some((t) => t.completed) && (before.conversations[0]?.messages.length ?? 0) >= 2), rows.join('; '));

    const shell = dockerExecShell(docker, names.postgres);
    const { bytes } = await time('backup', () => dumpToFile(shell, file, { onBytes: progressLine('backup', console.log) }));
    checks.check('backup: pg_dump -Fc written with progress', bytes > 0 && statSync(file).size === bytes, `${formatBytes(bytes)} in ${path.relative(root, file)}`);

    const refusal = async (force: boolean) => restoreFromFile(shell, file, { force }).then(() => 'restored!', (e: unknown) => (e instanceof BackupError ? e.message : String(e)));
    const notEmpty = await refusal(false);
    checks.check('restore over the live database is refused: not empty', /^the database is not empty \(.*task: \d+.*user: 2 rows\)/.test(notEmpty), notEmpty);
    await view(stack.webUrl, users[0]!.user); // the apps hold pooled connections now
    const busy = await refusal(true);
    checks.check('restore --force while api and web are connected is refused: database busy', /^database busy: \d+ other session/.test(busy), busy);

    await time('apps stopped, data destroyed', async () => {
      await removeApps(stack);
      await docker.rm([names.postgres], { force: true });
      const removed = await docker.volumeRm(names.volume);
      if (!removed.ok) throw new Error(`could not remove the data volume ${names.volume}: ${removed.stderr}`);
      await startPostgres(stack);
    });
    const fresh = await refusal(false);
    checks.check('the fresh database is empty, so restore goes ahead without --force', fresh === 'restored!', fresh);
    await time('migrations', () => runMigrations(stack));
    for (const app of ['api', 'web'] as const) await time(`${app} ready again`, () => runApp(stack, app));

    for (const { user, before } of users) {
      const again = await signIn(stack.webUrl, user.email, user.password);
      const after = await view(stack.webUrl, again);
      checks.check(`${user.email} signs in with the same password and sees the same tasks`, isDeepStrictEqual(after.tasks, before.tasks), JSON.stringify(after.tasks.map((t) => [t.title, t.completed])));
      checks.check(`${user.email} sees the same conversation messages`, isDeepStrictEqual(after.conversations, before.conversations), `${after.conversations.flatMap((c) => c.messages).length} messages`);
    }
    const next = await createTask(stack.webUrl, await signIn(stack.webUrl, users[0]!.user.email, users[0]!.user.password), 'written after the restore');
    checks.check('the restored database takes new writes (sequences restored too)', next.id > Math.max(...users.flatMap((u) => u.before.tasks.map((t) => t.id))), `new task id ${next.id}`);
  } catch (error) {
    failed = true;
    console.error(error instanceof Error ? error.message : error);
    for (const name of [names.postgres, names.api, names.web]) console.error(await logs(name));
  } finally {
    await removeStack(names);
    rmSync(file, { force: true });
    rmSync(`${file}.partial`, { force: true });
  }
  failed ||= checks.failed;
  writeFileSync(path.join(reports, 'summary.json'), JSON.stringify({ timings, checks: checks.results, failed }, null, 2));
  console.log('\n== e2e-backup timings (ms)');
  for (const [name, ms] of Object.entries(timings)) console.log(`${name.padEnd(30)} ${Math.round(ms)}`);
  console.log(failed ? '\ne2e-backup: FAILED' : `\ne2e-backup: passed (${checks.results.length} checks)`);
  return !failed;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
