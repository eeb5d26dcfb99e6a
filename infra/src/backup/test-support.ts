// Test support: fake pg_dump, pg_restore and psql (sh scripts) in a temp dir, and a
// DatabaseShell that runs the real scripts locally through @todo/kube's runner, so the tests
// exercise the streaming, the preludes and the scripts pg.ts sends.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { attemptCommand } from '@todo/kube';
import type { DatabaseShell, ShellIo } from './pg';
import { POSTGRES_ENV_PRELUDE } from './shells';

/** What the fakes print: `rows` for the row-count query, `sessions` for pg_stat_activity; `fail` makes pg_dump/pg_restore fail. */
export interface FakeDb {
  rows?: string;
  sessions?: string;
  fail?: boolean;
  /** Bytes of payload pg_dump writes after its header. */
  dumpBytes?: number;
}

const FAKES: Record<string, string> = {
  pg_dump: `printf '%s\\n' "$@" > "$FAKE_DIR/pg_dump.args"
[ -n "\${FAKE_FAIL:-}" ] && { echo 'pg_dump: error: connection to server failed: FATAL:  password authentication failed for user "todo"' >&2; exit 1; }
printf 'PGDMP\\001\\017\\000\\004\\010\\001'
head -c "\${FAKE_DUMP_BYTES:-1000}" /dev/zero`,
  pg_restore: `printf '%s\\n' "$@" > "$FAKE_DIR/pg_restore.args"
cat > "$FAKE_DIR/restored"
[ -n "\${FAKE_FAIL:-}" ] && { echo 'pg_restore: error: could not execute query: ERROR:  relation "task" does not exist' >&2; exit 1; }
exit 0`,
  psql: `printf '%s\\n' "$@" > "$FAKE_DIR/psql.args"
sql=$(cat)
case "$sql" in
  *'DROP SCHEMA'*) printf '%s\n' "$sql" > "$FAKE_DIR/restore.sql"
    case "$sql" in *pg_restore_failed*) echo 'ERROR:  column "pg_restore_failed" does not exist' >&2; exit 3 ;; esac ;;
  *pg_stat_activity*) [ -n "\${FAKE_SESSIONS:-}" ] && printf '%s\\n' "$FAKE_SESSIONS" ;;
  *relkind*) [ -n "\${FAKE_ROWS:-}" ] && printf '%s\\n' "$FAKE_ROWS" ;;
esac
exit 0`,
};

export interface Fakes {
  dir: string;
  /** Environment of a PostgreSQL container plus the fakes' settings. */
  env(db?: FakeDb): NodeJS.ProcessEnv;
  /** A DatabaseShell running locally with the PostgreSQL-container prelude. */
  shell(db?: FakeDb): DatabaseShell;
  cleanup(): void;
}

/** The fake container's password: a test checks it never reaches the output. */
export const FAKE_PASSWORD = 'not-printed-secret';

export function writeFakes(): Fakes {
  const dir = mkdtempSync(path.join(tmpdir(), 'backup-fakes-'));
  for (const [name, body] of Object.entries(FAKES)) {
    writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(dir, name), 0o755);
  }
  const env = (db: FakeDb = {}): NodeJS.ProcessEnv => ({
    PATH: `${dir}:${process.env['PATH']}`,
    FAKE_DIR: dir,
    POSTGRES_USER: 'todo',
    POSTGRES_DB: 'todo',
    POSTGRES_PASSWORD: FAKE_PASSWORD,
    ...(db.rows ? { FAKE_ROWS: db.rows } : {}),
    ...(db.sessions ? { FAKE_SESSIONS: db.sessions } : {}),
    ...(db.fail ? { FAKE_FAIL: '1' } : {}),
    ...(db.dumpBytes !== undefined ? { FAKE_DUMP_BYTES: String(db.dumpBytes) } : {}),
  });
  return {
    dir,
    env,
    shell: (db = {}) => ({
      where: 'container fake-postgres',
      run: (script: string, io: ShellIo = {}) => attemptCommand('sh', ['-c', POSTGRES_ENV_PRELUDE + script], { env: env(db), input: io.input, stdoutTo: io.stdoutTo, onProgress: io.onProgress }),
    }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
