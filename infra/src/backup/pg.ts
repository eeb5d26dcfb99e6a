// The one implementation of "dump the database to a file, with progress" and "restore a dump,
// refusing a database that holds data", for every place a database lives: the release's
// PostgreSQL pod (kubectl exec), a helper pod for an external database, the e2e stack's
// container (docker exec). Each of those is a DatabaseShell: it runs a POSIX sh script beside
// the database with the connection in `$DB` (and PGUSER/PGPASSWORD when needed) already set,
// so credentials stay where they are and never reach this process or its output.
import { createReadStream, createWriteStream, existsSync, openSync, readSync, closeSync, renameSync, rmSync, statSync } from 'node:fs';
import { Transform, type Readable, type Writable } from 'node:stream';
import type { Outcome, ProgressListener } from '@todo/kube';

export interface ShellIo {
  input?: string | Readable;
  stdoutTo?: Writable;
  onProgress?: ProgressListener;
}

export interface DatabaseShell {
  /** Where the scripts run, for messages: `pod todo/todo-todo-chatbot-postgresql-0`. */
  readonly where: string;
  /** Runs the script with sh beside the database, `$DB` naming the connection for psql, pg_dump and pg_restore. */
  run(script: string, io?: ShellIo): Promise<Outcome>;
}

/** A user-facing failure: the message says what is wrong and the fix. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/**
 * Tables whose rows do not make a database "in use": the schema version, Better Auth's
 * sessions and tokens, and the sign-in limits' counters (one sign-in attempt writes them).
 */
export const BOOKKEEPING_TABLES = ['alembic_version', 'session', 'account', 'verification', 'rateLimit', 'signInThrottle'];

/** Rows per table of the public schema (except BOOKKEEPING_TABLES): the app's tables and Better Auth's `user`. */
export const ROW_COUNTS_SQL = `SELECT c.relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM public.%I', c.relname), false, true, '')))[1]::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname NOT IN (${BOOKKEEPING_TABLES.map((t) => `'${t}'`).join(', ')})
ORDER BY 1;`;

/** Other client sessions on the same database (not this one). */
export const OTHER_SESSIONS_SQL = `SELECT coalesce(nullif(application_name, ''), '-'), coalesce(client_addr::text, 'local'), coalesce(state, '-')
FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
ORDER BY backend_start;`;

const PSQL = 'exec psql --no-psqlrc --quiet --no-align --tuples-only --field-separator=" " --set=ON_ERROR_STOP=1 --dbname="$DB" --file=-';
export const DUMP_SCRIPT = 'exec pg_dump --format=custom --dbname="$DB"';
/**
 * The public schema emptied, then the dump's SQL, in one psql transaction: all or nothing. Not
 * `pg_restore --clean`, which drops only what the dump holds: tables a newer release added
 * would stay and its migrations would then fail on them. A dump pg_restore cannot read ends
 * in a failing statement, so nothing of it is committed.
 */
export const RESTORE_SCRIPT = [
  '{ printf \'SET client_min_messages = warning;\\nDROP SCHEMA IF EXISTS public CASCADE;\\nCREATE SCHEMA public;\\n\';',
  '  if pg_restore --no-owner --no-acl --file=-; then :; else printf \'SELECT pg_restore_failed;\\n\'; fi;',
  '} | psql --no-psqlrc --quiet --single-transaction --set=ON_ERROR_STOP=1 --dbname="$DB" --file=-',
].join('\n');

/** Runs SQL through psql; its rows as arrays of fields. */
export async function query(shell: DatabaseShell, sql: string): Promise<string[][]> {
  const r = await shell.run(PSQL, { input: sql });
  if (!r.ok) throw new BackupError(`psql in ${shell.where} failed: ${lastLine(r.stderr)}`);
  return r.stdout.split('\n').filter((l) => l.trim()).map((l) => l.split(' '));
}

const lastLine = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '(no message)';

/** "12.3 MiB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** A pass-through that counts bytes and reports the total at most every `everyMs`, and once at the end. */
export function byteCounter(report: (bytes: number, done: boolean) => void, everyMs = 1000, now = () => Date.now()): Transform & { bytes(): number } {
  let bytes = 0;
  let last = now();
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (now() - last >= everyMs) {
        last = now();
        report(bytes, false);
      }
      done(null, chunk);
    },
    flush(done) {
      report(bytes, true);
      done();
    },
  });
  return Object.assign(t, { bytes: () => bytes });
}

/** What the first bytes of a file say it is; `undefined` when it is a custom-format dump. */
export function dumpFileProblem(file: string): string | undefined {
  if (!existsSync(file)) return `no such file: ${file}. List the backups you have: ls -l backups/ (or give --file PATH)`;
  if (!statSync(file).isFile()) return `${file} is not a file`;
  const head = Buffer.alloc(512);
  const fd = openSync(file, 'r');
  const read = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const bytes = head.subarray(0, read);
  if (read === 0) return `${file} is empty: not a pg dump (an interrupted backup?)`;
  if (bytes.subarray(0, 5).toString('latin1') === 'PGDMP') {
    const format = bytes[10];
    return format === 1 ? undefined : `${file} is a pg dump, but not in custom format (-Fc): restore it with pg_restore yourself`;
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return `${file} is gzip-compressed: gunzip it first (a custom-format dump is compressed already)`;
  if (read > 262 && bytes.subarray(257, 262).toString('latin1') === 'ustar') return `${file} is a tar archive (pg_dump -Ft?), not a custom-format dump (pg_dump -Fc)`;
  if (/^(--|SET |CREATE |\\connect)/.test(bytes.toString('utf8'))) return `${file} is a plain SQL dump, not a custom-format one (pg_dump -Fc): load it with psql instead`;
  return `${file} is not a pg dump (no PGDMP header): give a file written by infra:backup or pg_dump -Fc`;
}

export interface DumpOptions {
  /** Called with the bytes written so far, about once a second, and at the end. */
  onBytes?: (bytes: number, done: boolean) => void;
  /** pg_dump's own messages (stderr lines). */
  onLog?: (line: string) => void;
}

/**
 * pg_dump -Fc (one consistent snapshot: pg_dump reads everything in a single repeatable-read
 * transaction) streamed into `file`: written as `file.partial`, checked, then renamed, so a
 * failed or interrupted dump never leaves a file that looks like a backup.
 */
export async function dumpToFile(shell: DatabaseShell, file: string, options: DumpOptions = {}): Promise<{ bytes: number }> {
  if (existsSync(file)) throw new BackupError(`${file} exists already: choose another --file (backups are never overwritten)`);
  const partial = `${file}.partial`;
  const counter = byteCounter(options.onBytes ?? (() => undefined));
  const out = createWriteStream(partial);
  counter.pipe(out);
  const finished = new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
  let result: Outcome;
  try {
    result = await shell.run(DUMP_SCRIPT, { stdoutTo: counter, onProgress: (line, stream) => stream === 'stderr' && options.onLog?.(line) });
    await finished;
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  if (!result.ok) {
    rmSync(partial, { force: true });
    throw new BackupError(`pg_dump in ${shell.where} failed (exit ${result.exitCode}): ${lastLine(result.stderr)}`);
  }
  const problem = dumpFileProblem(partial);
  if (problem) {
    rmSync(partial, { force: true });
    throw new BackupError(`pg_dump in ${shell.where} wrote no usable dump: ${problem}`);
  }
  renameSync(partial, file);
  return { bytes: counter.bytes() };
}

/** Rows the database holds in the app's tables and Better Auth's `user`: `{ task: 3, user: 1 }` (empty tables left out). */
export async function rowsInUse(shell: DatabaseShell): Promise<Record<string, number>> {
  const rows = await query(shell, ROW_COUNTS_SQL);
  return Object.fromEntries(rows.map(([table = '', n = '0']) => [table, Number(n)] as const).filter(([, n]) => n > 0));
}

/** Other sessions on the database, as `application client state`. */
export async function otherSessions(shell: DatabaseShell): Promise<string[]> {
  return (await query(shell, OTHER_SESSIONS_SQL)).map((fields) => fields.join(' '));
}

export interface RestoreOptions {
  /** Replace a database that holds data. */
  force?: boolean;
  onBytes?: (bytes: number, done: boolean) => void;
  onLog?: (line: string) => void;
  /** Said in the "database busy" message: how to stop what is connected. */
  busyFix?: string;
}

/** Refuses a file that is not a custom-format dump, or a database that holds data (unless force). */
export async function checkRestore(shell: DatabaseShell, file: string, force = false): Promise<Record<string, number>> {
  const problem = dumpFileProblem(file);
  if (problem) throw new BackupError(problem);
  const inUse = await rowsInUse(shell);
  if (Object.keys(inUse).length && !force) {
    const what = Object.entries(inUse).map(([t, n]) => `${t}: ${n}`).join(', ');
    throw new BackupError(`the database is not empty (${what} rows): restoring would replace it. Back it up first (infra:backup), then restore with --force`);
  }
  return inUse;
}

/**
 * Restores `file` (checked first with checkRestore): RESTORE_SCRIPT, in one
 * transaction, so a failure leaves the database as it was. Refuses while other sessions are
 * connected ("database busy"). Migrations are the caller's next step.
 */
export async function restoreFromFile(shell: DatabaseShell, file: string, options: RestoreOptions = {}): Promise<{ bytes: number }> {
  await checkRestore(shell, file, options.force);
  const sessions = await otherSessions(shell);
  if (sessions.length) {
    throw new BackupError(
      `database busy: ${sessions.length} other session(s) connected (${sessions.slice(0, 5).join('; ')}). ${options.busyFix ?? 'Stop the apps and anything else connected, then try again.'}`,
    );
  }
  const counter = byteCounter(options.onBytes ?? (() => undefined));
  createReadStream(file).pipe(counter);
  const result = await shell.run(RESTORE_SCRIPT, { input: counter, onProgress: (line, stream) => stream === 'stderr' && options.onLog?.(line) });
  if (!result.ok) {
    // pg_restore's own complaint (an unreadable dump) says more than psql's stop that follows it.
    const why = result.stderr.split('\n').find((l) => l.startsWith('pg_restore: error')) ?? lastLine(result.stderr);
    throw new BackupError(`the restore in ${shell.where} failed (exit ${result.exitCode}), nothing was changed (one transaction): ${why}`);
  }
  return { bytes: counter.bytes() };
}

/** `backups/<release>-20260301T030000Z.dump` */
export function defaultDumpFile(release: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `backups/${release}-${stamp}.dump`;
}

/** Progress lines: `backup: 12.3 MiB so far` / `backup: 40.0 MiB written`. */
export const progressLine = (what: string, print: (line: string) => void) => (bytes: number, done: boolean) =>
  print(`${what}: ${formatBytes(bytes)} ${done ? 'in total' : 'so far'}`);
