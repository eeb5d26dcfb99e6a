// 9. Scheduled backups (backup.enabled, ci/backup-values.yaml): the CronJob renders only when
// enabled, runs the PostgreSQL image as its user, gets only the variables its script reads
// (DATABASE_URL from the same source as the api's, in both database modes), may reach the
// database and nothing else, and its script (files/backup.sh) dumps, renames and prunes: run
// here with sh and a fake pg_dump.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectionAllowed, ipBlockEgress } from './network';
import { appContainer, caseValues, containers, FULLNAME, getObject, podOf, podSpecs, render, resolvedEnv, spec, type PodTemplate, type Rendered } from './render';
import { chartDir } from './workspace';

const EXTERNAL_URL = 'postgresql+asyncpg://todo:pw@db.example.com/todo?ssl=true';
let backup: Rendered;
let defaults: Rendered;
let external: Rendered;
beforeAll(async () => {
  [backup, defaults, external] = await Promise.all([
    render('backup'),
    render('default'),
    render('external-database', { set: { 'backup.enabled': true, 'externalDatabase.url': EXTERNAL_URL } }),
  ]);
});

const cronJob = (r: Rendered) => getObject(r.objects, 'CronJob', `${FULLNAME}-backup`);
const backupPod = (r: Rendered): PodTemplate => podOf(r.objects, 'CronJob', 'backup');
const byComponent = (r: Rendered, c: string) => podSpecs(r.objects).find((p) => p.metadata.labels?.['app.kubernetes.io/component'] === c)!;
const script = () => readFileSync(path.join(chartDir, 'files/backup.sh'), 'utf8');

test('renders only when backup.enabled: the CronJob, its claim (kept on uninstall) and its NetworkPolicy', () => {
  expect(defaults.objects.filter((o) => o.metadata.name.endsWith('-backup'))).toEqual([]);
  const names = backup.objects.filter((o) => o.metadata.name === `${FULLNAME}-backup`).map((o) => o.kind).sort();
  expect(names).toEqual(['CronJob', 'NetworkPolicy', 'PersistentVolumeClaim']);
  const pvc = getObject(backup.objects, 'PersistentVolumeClaim', `${FULLNAME}-backup`);
  expect(pvc.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
});

test('the schedule, one run at a time, a short history, and the claim mounted where the script writes', () => {
  const s = spec<{ schedule: string; concurrencyPolicy: string; successfulJobsHistoryLimit: number; failedJobsHistoryLimit: number }>(cronJob(backup));
  expect(s.schedule).toBe('30 2 * * *');
  expect(s.concurrencyPolicy).toBe('Forbid');
  expect(s.successfulJobsHistoryLimit).toBeLessThanOrEqual(3);
  expect(s.failedJobsHistoryLimit).toBeLessThanOrEqual(3);
  const pod = backupPod(backup);
  const c = pod.spec.containers[0]!;
  expect(c.volumeMounts?.find((m) => m.name === 'backups')?.mountPath).toBe(resolvedEnv(backup.objects, c).get('BACKUP_DIR')?.value);
  expect(pod.spec.volumes?.find((v) => v.name === 'backups')?.persistentVolumeClaim).toEqual({ claimName: `${FULLNAME}-backup` });
  expect(resolvedEnv(backup.objects, c).get('BACKUP_KEEP')?.value).toBe('3');
});

test('runs the PostgreSQL image (pg_dump matches the server) as that image\'s user', () => {
  const pg = podOf(backup.objects, 'StatefulSet', 'postgresql');
  const pod = backupPod(backup);
  expect(pod.spec.containers[0]!.image).toBe(pg.spec.containers[0]!.image);
  for (const key of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) expect(pod.spec.securityContext?.[key]).toBe(pg.spec.securityContext?.[key]);
  // The generic hardening tests (security.test.ts) see this pod: it is in podSpecs.
  expect(podSpecs(backup.objects).map((p) => p.owner.kind)).toContain('CronJob');
});

/** Names a POSIX shell script reads: $NAME and ${NAME}. */
const shellReads = (text: string) => new Set([...text.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));

test.each([
  ['in-cluster PostgreSQL', () => backup],
  ['external database', () => external],
])('%s: env is only what the script reads (and $(VAR) parts), DATABASE_URL from the same source as the api\'s', (_, get) => {
  const r = get();
  const c = backupPod(r).spec.containers[0]!;
  expect(c.command).toEqual(['sh', '-c']);
  expect(c.args?.[0]?.trim()).toBe(script().trim());
  const reads = shellReads(script());
  const env = resolvedEnv(r.objects, c);
  const referenced = new Set([...env.values()].flatMap((e) => [...(e.value ?? '').matchAll(/\$\(([A-Z_]+)\)/g)].map((m) => m[1]!)));
  expect([...env.keys()].filter((n) => !reads.has(n) && !referenced.has(n))).toEqual([]);
  expect([...reads].filter((n) => !env.has(n))).toEqual([]);
  const api = resolvedEnv(r.objects, appContainer(r.objects, 'api'));
  for (const name of ['DATABASE_URL', ...referenced]) {
    expect({ name, ref: env.get(name)?.secretKeyRef, value: env.get(name)?.value }).toEqual({ name, ref: api.get(name)?.secretKeyRef, value: api.get(name)?.value });
  }
});

test('NetworkPolicy: the backup pod reaches PostgreSQL on its port (both ends admit it), and nothing else of the release', () => {
  const port = caseValues('backup').postgresql.containerPort;
  const pod = backupPod(backup);
  expect(connectionAllowed(backup.objects, pod, byComponent(backup, 'postgresql'), port)).toBe(true);
  for (const target of ['api', 'web']) {
    for (const p of [port, caseValues('backup').api.containerPort, caseValues('backup').web.containerPort]) {
      expect({ target, p, allowed: connectionAllowed(backup.objects, pod, byComponent(backup, target), p) }).toEqual({ target, p, allowed: false });
    }
  }
  expect(ipBlockEgress(backup.objects, pod)).toEqual([]);
  // External database: out of the cluster to its CIDRs and port only.
  const v = caseValues('external-database').externalDatabase.egress;
  expect(ipBlockEgress(external.objects, backupPod(external))).toEqual([{ cidrs: v.cidrs, ports: [v.port] }]);
});

describe('files/backup.sh, run with sh and a fake pg_dump', () => {
  let dir: string;
  let bin: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'backup-sh-'));
    bin = mkdtempSync(path.join(tmpdir(), 'backup-bin-'));
    // Records its arguments; writes a dump header to --file, or fails when told to.
    writeFileSync(
      path.join(bin, 'pg_dump'),
      '#!/bin/sh\nprintf "%s\\n" "$@" > "$BACKUP_DIR/.args"\n[ -n "${FAIL:-}" ] && { echo "pg_dump: error: connection failed" >&2; exit 1; }\nfor a; do case "$a" in --file=*) printf "PGDMP-fake" > "${a#--file=}";; esac; done\n',
    );
    chmodSync(path.join(bin, 'pg_dump'), 0o755);
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(bin, { recursive: true, force: true });
  });
  const run = (env: Record<string, string>) =>
    spawnSync('sh', ['-c', script()], { env: { PATH: `${bin}:${process.env['PATH']}`, BACKUP_DIR: dir, BACKUP_KEEP: '3', DATABASE_URL: 'postgresql://todo:pw@db:5432/todo', ...env }, encoding: 'utf8' });
  const dumps = () => readdirSync(dir).filter((f) => f.endsWith('.dump')).sort();
  const old = ['todo-20240101T030000Z.dump', 'todo-20240102T030000Z.dump', 'todo-20240103T030000Z.dump', 'todo-20240104T030000Z.dump'];

  test('writes todo-<UTC>.dump, keeps the newest BACKUP_KEEP and leaves other files alone', () => {
    for (const f of [...old, 'notes.txt', 'todo-20240105T030000Z.dump.partial']) writeFileSync(path.join(dir, f), 'x');
    const r = run({});
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const now = dumps();
    expect(now).toHaveLength(3);
    expect(now[2]).toMatch(/^todo-\d{8}T\d{6}Z\.dump$/);
    expect(readFileSync(path.join(dir, now[2]!), 'utf8')).toBe('PGDMP-fake');
    expect(now.slice(0, 2)).toEqual(old.slice(2));
    expect(readdirSync(dir)).toContain('notes.txt');
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(r.stdout).toContain('removed todo-20240101T030000Z.dump');
    expect(r.stdout).not.toContain('pw');
    expect(readFileSync(path.join(dir, '.args'), 'utf8').split('\n')).toContain('--format=custom');
  });

  test('a failed pg_dump fails the run and deletes nothing', () => {
    for (const f of old) writeFileSync(path.join(dir, f), 'x');
    const r = run({ FAIL: '1' });
    expect(r.status).not.toBe(0);
    expect(dumps()).toEqual(old);
  });

  test.each([
    ['postgresql+asyncpg://u:p@h/db?ssl=true', 'postgresql://u:p@h/db?sslmode=require'],
    ['postgres://u:p@h:6543/db?sslmode=require&channel_binding=require', 'postgresql://u:p@h:6543/db?sslmode=require&channel_binding=require'],
    ['postgresql+psycopg://u:p@h/db?x=1&ssl=false', 'postgresql://u:p@h/db?x=1&sslmode=disable'],
  ])('the apps\' URL %s reaches pg_dump as libpq\'s %s', (given, expected) => {
    expect(run({ DATABASE_URL: given }).status).toBe(0);
    expect(readFileSync(path.join(dir, '.args'), 'utf8').split('\n')).toContain(`--dbname=${expected}`);
  });
});

test('every container of the backup pod has requests and limits', () => {
  for (const c of containers(backupPod(backup))) expect(c.resources?.requests && c.resources.limits).toBeTruthy();
});
