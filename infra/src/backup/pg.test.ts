// The shared dump and restore (pg.ts) against fake pg_dump/pg_restore/psql run by sh through
// the workspace's runner: streaming to and from files, progress, the checks that refuse.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BackupError, byteCounter, defaultDumpFile, dumpFileProblem, dumpToFile, formatBytes, restoreFromFile, rowsInUse } from './pg';
import { DATABASE_URL_PRELUDE } from './shells';
import { writeFakes, type Fakes } from './test-support';

let fakes: Fakes;
let work: string;
beforeEach(() => {
  fakes = writeFakes();
  work = mkdtempSync(path.join(tmpdir(), 'backup-work-'));
});
afterEach(() => {
  fakes.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const DUMP_HEADER = Buffer.from('PGDMP\x01\x0f\x00\x04\x08\x01', 'latin1');
const args = (tool: string) => readFileSync(path.join(fakes.dir, `${tool}.args`), 'utf8').trim().split('\n');

describe('dumpToFile', () => {
  test('streams pg_dump -Fc into the file with the container\'s own credentials, reporting bytes so far', async () => {
    const file = path.join(work, 'todo.dump');
    const reports: [number, boolean][] = [];
    const { bytes } = await dumpToFile(fakes.shell({ dumpBytes: 3 * 1024 * 1024 }), file, { onBytes: (b, done) => reports.push([b, done]) });
    expect(bytes).toBe(3 * 1024 * 1024 + DUMP_HEADER.length);
    expect(statSync(file).size).toBe(bytes);
    expect(readFileSync(file).subarray(0, DUMP_HEADER.length)).toEqual(DUMP_HEADER);
    expect(reports.at(-1)).toEqual([bytes, true]);
    expect(args('pg_dump')).toEqual(['--format=custom', '--dbname=todo']);
    expect(readdirSync(work)).toEqual(['todo.dump']);
  });

  test('a failed pg_dump leaves no file, and says why in pg_dump\'s words', async () => {
    const file = path.join(work, 'todo.dump');
    const err = await dumpToFile(fakes.shell({ fail: true }), file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackupError);
    expect((err as Error).message).toMatch(/^pg_dump in container fake-postgres failed \(exit 1\): .*password authentication failed/);
    expect(readdirSync(work)).toEqual([]);
  });

  test('never overwrites a file', async () => {
    const file = path.join(work, 'todo.dump');
    writeFileSync(file, 'old');
    await expect(dumpToFile(fakes.shell(), file)).rejects.toThrow(/exists already: choose another --file/);
    expect(readFileSync(file, 'utf8')).toBe('old');
  });
});

describe('dumpFileProblem: what a file that is not a custom-format dump is', () => {
  const write = (name: string, content: Buffer | string) => {
    const f = path.join(work, name);
    writeFileSync(f, content);
    return f;
  };
  test.each([
    ['custom format', Buffer.concat([DUMP_HEADER, Buffer.alloc(10)]), undefined],
    ['directory-format header', Buffer.from('PGDMP\x01\x0f\x00\x04\x08\x05', 'latin1'), /not in custom format/],
    ['empty', '', /is empty: not a pg dump/],
    ['gzip', gzipSync('x'), /gzip-compressed: gunzip it first/],
    ['plain SQL', '--\n-- PostgreSQL database dump\n', /plain SQL dump.*psql/],
    ['anything else', 'hello', /not a pg dump \(no PGDMP header\)/],
  ])('%s', (_, content, expected) => {
    const problem = dumpFileProblem(write('f', content));
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
  test('no such file names the fix', () => {
    expect(dumpFileProblem(path.join(work, 'nope.dump'))).toMatch(/^no such file: .*nope\.dump\. List the backups you have/);
  });
});

describe('restoreFromFile', () => {
  const dump = () => {
    const f = path.join(work, 'in.dump');
    writeFileSync(f, Buffer.concat([DUMP_HEADER, Buffer.alloc(200_000, 7)]));
    return f;
  };

  test('into an empty database: the public schema emptied, then the dump, in one psql transaction, the whole file on pg_restore\'s stdin', async () => {
    const f = dump();
    const { bytes } = await restoreFromFile(fakes.shell({ rows: '' }), f);
    expect(bytes).toBe(statSync(f).size);
    expect(readFileSync(path.join(fakes.dir, 'restored'))).toEqual(readFileSync(f));
    expect(args('pg_restore')).toEqual(['--no-owner', '--no-acl', '--file=-']);
    expect(args('psql')).toEqual(expect.arrayContaining(['--single-transaction', '--set=ON_ERROR_STOP=1', '--dbname=todo']));
    expect(readFileSync(path.join(fakes.dir, 'restore.sql'), 'utf8')).toMatch(/^SET client_min_messages = warning;\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n/);
  });

  test('refuses a database with rows in the app\'s tables or Better Auth\'s user, naming them; --force replaces it', async () => {
    const shell = fakes.shell({ rows: 'task 3\nuser 1\nmessage 0' });
    expect(await rowsInUse(shell)).toEqual({ task: 3, user: 1 });
    await expect(restoreFromFile(shell, dump())).rejects.toThrow('the database is not empty (task: 3, user: 1 rows): restoring would replace it. Back it up first (infra:backup), then restore with --force');
    await expect(restoreFromFile(shell, dump(), { force: true })).resolves.toEqual({ bytes: expect.any(Number) });
  });

  test('refuses while other sessions are connected: database busy, with the fix given', async () => {
    const shell = fakes.shell({ sessions: 'psql 10.0.0.7 idle' });
    await expect(restoreFromFile(shell, dump(), { busyFix: 'Close it.' })).rejects.toThrow('database busy: 1 other session(s) connected (psql 10.0.0.7 idle). Close it.');
  });

  test('checks the file before touching the database', async () => {
    await expect(restoreFromFile(fakes.shell(), path.join(work, 'missing.dump'))).rejects.toThrow(/^no such file/);
    await expect(restoreFromFile(fakes.shell(), (writeFileSync(path.join(work, 'x.sql'), 'SET x;'), path.join(work, 'x.sql')))).rejects.toThrow(/plain SQL/);
  });

  test('a failing pg_restore says nothing was changed', async () => {
    await expect(restoreFromFile(fakes.shell({ fail: true }), dump())).rejects.toThrow(
      /the restore in container fake-postgres failed \(exit 3\), nothing was changed \(one transaction\): pg_restore: error: .*relation "task"/,
    );
    // psql got a statement that fails, so the transaction (the schema dropped) is rolled back.
    expect(readFileSync(path.join(fakes.dir, 'restore.sql'), 'utf8')).toContain('SELECT pg_restore_failed;');
  });
});

test('the external-database prelude rewrites the apps\' URL forms as the chart\'s backup script does', () => {
  const chartScript = readFileSync(path.join(__dirname, '../../../charts/todo-chatbot/files/backup.sh'), 'utf8');
  const chartSed = /url=\$\(printf '%s' "\$DATABASE_URL" \| sed -E \\\n((?:.*\n)*?.*)\)\n/.exec(chartScript)?.[1];
  expect(chartSed).toBeDefined();
  for (const url of ['postgresql+asyncpg://u:p@h/db?ssl=true', 'postgres://u:p@h:6543/db?sslmode=require', 'postgresql+psycopg://u:p@h/db?a=1&ssl=0']) {
    const ours = spawnSync('sh', ['-c', `${DATABASE_URL_PRELUDE} printf '%s' "$DB"`], { env: { DATABASE_URL: url, PATH: process.env['PATH'] }, encoding: 'utf8' }).stdout;
    const chart = spawnSync('sh', ['-c', `printf '%s' "$DATABASE_URL" | sed -E ${chartSed!.replace(/\\\n/g, ' ')}`], { env: { DATABASE_URL: url, PATH: process.env['PATH'] }, encoding: 'utf8' }).stdout;
    expect({ url, ours }).toEqual({ url, ours: chart });
    expect(ours).toMatch(/^postgresql:\/\//);
  }
});

test('byteCounter reports at most once per interval, and the total at the end', async () => {
  let t = 0;
  const reports: [number, boolean][] = [];
  const c = byteCounter((b, done) => reports.push([b, done]), 1000, () => t);
  for (const step of [0, 500, 1200, 1300, 2500]) {
    t = step;
    c.write(Buffer.alloc(10));
  }
  c.end();
  c.resume();
  await new Promise((r) => c.on('end', r));
  expect(reports).toEqual([[30, false], [50, false], [50, true]]);
});

test('names and sizes', () => {
  expect(defaultDumpFile('todo', new Date('2026-03-01T03:04:05.678Z'))).toBe('backups/todo-20260301T030405Z.dump');
  expect([formatBytes(512), formatBytes(1536), formatBytes(5 * 1024 ** 3)]).toEqual(['512 B', '1.5 KiB', '5.0 GiB']);
});
