// `npm run nx -- run infra:backup [-- options]`  and  `npm run nx -- run infra:restore -- --file FILE [options]`
//   --release todo --namespace todo --context NAME   the Helm release, its namespace, the kube context
//   --file PATH     backup: where to write (default backups/<release>-<UTC time>.dump); restore: the dump to load
//   --force         restore: replace a database that holds data (its public schema is made anew)
//   --image REF     external database only: the postgres image of the helper pod (default: the chart's postgresql.image)
// Backup: pg_dump -Fc from the release's PostgreSQL pod (kubectl exec, the pod's own
// credentials), or from a helper pod for an external database, streamed to the file with
// progress. Restore: checks the file and that the database is empty, stops api and web,
// pg_restore in one transaction, runs the chart's migrations, starts api and web again.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { chartDir } from '@todo/chart';
import { CommandError, Kubectl } from '@todo/kube';
import { root } from '../workspace';
import { replicasOf, runMigrations, startApps, stopApps, type Scaled } from './apps';
import { BackupError, checkRestore, defaultDumpFile, dumpToFile, formatBytes, progressLine, restoreFromFile } from './pg';
import { appDeployments, releaseDatabase, type ReleaseRef } from './release-db';

export interface BackupArgs extends ReleaseRef {
  action: 'backup' | 'restore';
  file: string;
  force: boolean;
  image: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The chart's default PostgreSQL image (values.yaml postgresql.image), for the external-database helper pod. */
export function chartPostgresImage(): string {
  const values = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as { postgresql: { image: { registry?: string; repository: string; tag: string; digest?: string } } };
  const { registry, repository, tag, digest } = values.postgresql.image;
  const repo = registry ? `${registry}/${repository}` : repository;
  return digest ? `${repo}@${digest}` : `${repo}:${tag}`;
}

export function parseBackupArgs(argv: string[], env: NodeJS.ProcessEnv = process.env, now = new Date()): BackupArgs {
  const [action, ...rest] = argv;
  if (action !== 'backup' && action !== 'restore') throw new Error(`the first argument must be backup or restore (got "${action ?? ''}")`);
  const { values } = parseArgs({
    args: rest,
    options: {
      release: { type: 'string', default: env['TODO_RELEASE'] ?? 'todo' },
      namespace: { type: 'string', default: env['TODO_NAMESPACE'] ?? 'todo' },
      context: { type: 'string' },
      file: { type: 'string' },
      force: { type: 'boolean', default: false },
      image: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!DNS_LABEL.test(values.release!)) throw new Error(`--release must be a DNS label (got "${values.release}")`);
  if (!DNS_LABEL.test(values.namespace!)) throw new Error(`--namespace must be a DNS label (got "${values.namespace}")`);
  if (action === 'restore' && !values.file) throw new Error('restore needs --file: the dump to load, e.g. --file backups/todo-20260301T030000Z.dump');
  if (action === 'backup' && values.force) throw new Error('--force applies to restore only');
  return {
    action,
    release: values.release!,
    namespace: values.namespace!,
    context: values.context,
    file: values.file ?? defaultDumpFile(values.release!, now),
    force: values.force!,
    image: values.image ?? chartPostgresImage(),
  };
}

export async function backup(kubectl: Kubectl, a: BackupArgs, print: (line: string) => void): Promise<void> {
  const db = await releaseDatabase(kubectl, a, { image: a.image, print });
  try {
    const file = path.resolve(a.file);
    mkdirSync(path.dirname(file), { recursive: true });
    print(`backup: pg_dump -Fc of release "${a.release}" (${db.mode} database, ${db.shell.where}) into ${a.file}`);
    const { bytes } = await dumpToFile(db.shell, file, { onBytes: progressLine('backup', print), onLog: (l) => print(`  pg_dump: ${l}`) });
    print(`backup: wrote ${a.file} (${formatBytes(bytes)}). Restore it with: npm run nx -- run infra:restore -- --release ${a.release} --namespace ${a.namespace} --file ${a.file}`);
  } finally {
    await db.cleanup();
  }
}

export async function restore(kubectl: Kubectl, a: BackupArgs, print: (line: string) => void): Promise<void> {
  const db = await releaseDatabase(kubectl, a, { image: a.image, print });
  let scaled: Scaled[] = [];
  let failure: unknown;
  try {
    const file = path.resolve(a.file);
    // Before anything stops: a wrong file or a database in use changes nothing.
    const inUse = await checkRestore(db.shell, file, a.force);
    if (Object.keys(inUse).length) print(`restore: --force: replacing a database that holds ${Object.entries(inUse).map(([t, n]) => `${n} ${t}`).join(', ')} rows`);
    const deployments = await appDeployments(kubectl, a);
    scaled = replicasOf(deployments);
    await stopApps(kubectl, a, scaled, print);
    print(`restore: the public schema made anew and ${a.file} loaded into release "${a.release}" (${db.mode} database, ${db.shell.where})`);
    const { bytes } = await restoreFromFile(db.shell, file, {
      force: a.force,
      onBytes: progressLine('restore', print),
      onLog: (l) => print(`  pg_restore: ${l}`),
      busyFix: `api and web are stopped; is a backup running (kubectl get jobs -n ${a.namespace} -l app.kubernetes.io/component=backup), or a psql session open? Wait for it or end it, then restore again.`,
    });
    print(`restore: loaded ${formatBytes(bytes)}`);
    await runMigrations(kubectl, a, deployments, print);
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    try {
      if (scaled.length) await startApps(kubectl, a, scaled, print);
    } catch (startError) {
      // The restore's own failure is the one to report; this one follows from it.
      if (!failure) throw startError;
      print(`restore: starting api and web again failed too: ${String((startError as Error).message ?? startError).split('\n')[0]}`);
    } finally {
      await db.cleanup();
    }
  }
  print(`restore: done. Check the release: npm run nx -- run infra:doctor -- --release ${a.release} --namespace ${a.namespace}`);
}

export async function main(argv: string[], print: (line: string) => void = console.log, fail: (line: string) => void = console.error): Promise<number> {
  let a: BackupArgs;
  try {
    a = parseBackupArgs(argv);
  } catch (err) {
    fail(`infra:${argv[0] ?? 'backup'}: ${(err as Error).message}`);
    return 2;
  }
  try {
    const kubectl = await Kubectl.create({ workspaceRoot: root, context: a.context });
    await (a.action === 'backup' ? backup : restore)(kubectl, a, print);
    return 0;
  } catch (err) {
    if (err instanceof BackupError) fail(`infra:${a.action}: ${err.message}`);
    else if (err instanceof CommandError) fail(`infra:${a.action}: ${err.message}`);
    else throw err;
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
