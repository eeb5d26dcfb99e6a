// tools:audit against a fake advisory server on 127.0.0.1 speaking npm's bulk protocol and
// PyPI's per-version JSON: the policy's outcomes, the exit codes, and the unreachable cases.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runAudit, type AuditOptions, type AuditRun } from './audit';
import { npmAdvisory, pypiVulnerability, startFake, type FakeConfig, type FakeServer } from './fake-advisories';

const root = path.resolve(__dirname, '../..');
const TODAY = '2026-06-15';
const servers: FakeServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

interface Entry {
  id: string;
  package: string;
  reason: string;
  expires: string;
}

/** A workspace in a temporary folder: two lock files and an allow-list. */
function workspace(entries: Entry[] | string = []): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-'));
  writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'ws', version: '0.0.0' },
        'node_modules/lodash': { version: '4.17.20' },
        'node_modules/minimist': { version: '1.2.5' },
        'node_modules/left-pad': { version: '1.3.0' },
        'node_modules/x/node_modules/lodash': { version: '4.17.21' },
      },
    }),
  );
  writeFileSync(
    path.join(dir, 'uv.lock'),
    [
      '[[package]]', 'name = "jinja2"', 'version = "3.1.2"', 'source = { registry = "https://pypi.org/simple" }', '',
      '[[package]]', 'name = "requests"', 'version = "2.31.0"', 'source = { registry = "https://pypi.org/simple" }', '',
      '[[package]]', 'name = "todo-api"', 'version = "0.1.0"', 'source = { editable = "apps/api" }', '',
    ].join('\n'),
  );
  const text = typeof entries === 'string' ? entries : JSON.stringify({ entries });
  writeFileSync(path.join(dir, 'allowlist.json'), text);
  return dir;
}

async function fake(config: FakeConfig): Promise<FakeServer> {
  const server = await startFake(config);
  servers.push(server);
  return server;
}

async function audit(dir: string, server: FakeServer | string, extra: Partial<AuditOptions> = {}): Promise<AuditRun> {
  const url = typeof server === 'string' ? server : server.url;
  return runAudit({
    root: dir,
    npmLock: 'package-lock.json',
    uvLock: 'uv.lock',
    allowlist: 'allowlist.json',
    report: 'reports/security/audit.json',
    npmRegistry: `${url}/`,
    pypiUrl: url,
    timeoutMs: 10_000,
    requireSources: false,
    today: TODAY,
    ...extra,
  });
}

type SourceJson = { status: string; reason?: string; findings: { id: string }[]; allowListed: { id: string }[] };
function sourceOf(run: AuditRun, name: 'npm' | 'pypi'): SourceJson {
  return (run.report.sources as Record<string, SourceJson>)[name] as SourceJson;
}
const text = (run: AuditRun): string => run.lines.join('\n');

const HIGH = npmAdvisory(1096302, 'high', 'GHSA-35jh-r3h4-6jhm', '<4.17.21');
const allow = (over: Partial<Entry> = {}): Entry => ({
  id: 'GHSA-35jh-r3h4-6jhm', package: 'lodash', reason: 'only reachable from build tooling', expires: '2026-11-30', ...over,
});

test('npm: asked as npm audit asks (POST, gzipped JSON, name → versions), a high advisory fails', async () => {
  const server = await fake({ npm: { lodash: [HIGH] } });
  const dir = workspace();
  const run = await audit(dir, server);
  assert.equal(run.exitCode, 1, text(run));
  const bulk = server.received.filter((r) => r.url === '/-/npm/v1/security/advisories/bulk');
  assert.equal(bulk.length, 1);
  assert.equal(bulk[0]?.method, 'POST');
  assert.equal(bulk[0]?.headers['content-encoding'], 'gzip');
  assert.equal(bulk[0]?.headers['content-type'], 'application/json');
  assert.deepEqual(bulk[0]?.json, { 'left-pad': ['1.3.0'], lodash: ['4.17.20', '4.17.21'], minimist: ['1.2.5'] });
  assert.match(text(run), /FAIL npm lodash 4\.17\.20, 4\.17\.21: 1096302 \(GHSA-35jh-r3h4-6jhm\) \[high\]/);
  assert.equal(sourceOf(run, 'npm').status, 'audited');
  assert.deepEqual(sourceOf(run, 'npm').findings.map((f) => f.id), ['1096302']);
  const written = JSON.parse(readFileSync(path.join(dir, 'reports/security/audit.json'), 'utf8')) as { exitCode: number };
  assert.equal(written.exitCode, 1);
});

test('npm: a critical advisory fails, a moderate one is reported and passes', async () => {
  const critical = await audit(workspace(), await fake({ npm: { minimist: [npmAdvisory(1, 'critical', 'GHSA-xvch-5gv4-984h')] } }));
  assert.equal(critical.exitCode, 1);
  const moderate = await audit(workspace(), await fake({ npm: { minimist: [npmAdvisory(2, 'moderate', 'GHSA-vh95-rmgr-6w4m')] } }));
  assert.equal(moderate.exitCode, 0, text(moderate));
  assert.match(text(moderate), /pass \(below high\) npm minimist 1\.2\.5: 2 \(GHSA-vh95-rmgr-6w4m\) \[moderate\]/);
  assert.match(text(moderate), /audited: npm advisories, PyPI advisories; NOT AUDITED: none; 0 failing findings/);
});

test('npm: the same high advisory allow-listed (by GHSA or by npm id) passes', async () => {
  const server = await fake({ npm: { lodash: [HIGH] } });
  for (const id of ['GHSA-35jh-r3h4-6jhm', '1096302']) {
    const run = await audit(workspace([allow({ id })]), server);
    assert.equal(run.exitCode, 0, text(run));
    assert.match(text(run), /allow-listed npm lodash/);
    assert.match(text(run), /by entries\[0\] .* only reachable from build tooling/);
    assert.deepEqual(sourceOf(run, 'npm').allowListed.map((f) => f.id), ['1096302']);
  }
});

test('an expired allow-list entry fails, naming it, even when the finding it covered is gone', async () => {
  const expired = allow({ expires: '2026-06-14' });
  const run = await audit(workspace([expired]), await fake({ npm: { lodash: [HIGH] } }));
  assert.equal(run.exitCode, 1);
  assert.match(text(run), /FAIL npm lodash/);
  assert.match(text(run), /EXPIRED allow-list entry in allowlist\.json: entries\[0\] GHSA-35jh-r3h4-6jhm for lodash \(expires 2026-06-14\)/);
  const clean = await audit(workspace([expired]), await fake({}));
  assert.equal(clean.exitCode, 1, text(clean));
  assert.match(text(clean), /EXPIRED allow-list entry .* entries\[0\] GHSA-35jh-r3h4-6jhm/);
  // The expiry day itself still counts.
  assert.equal((await audit(workspace([allow({ expires: TODAY })]), await fake({ npm: { lodash: [HIGH] } }))).exitCode, 0);
});

test('an allow-list entry may accept an advisory for 180 days at most', async () => {
  const run = await audit(workspace([allow({ expires: '2026-12-13' })]), await fake({ npm: { lodash: [HIGH] } }));
  assert.equal(run.exitCode, 1, text(run));
  assert.match(text(run), /runs past 2026-12-12: accept an advisory for at most 180 days/);
  assert.equal((await audit(workspace([allow({ expires: '2026-12-12' })]), await fake({ npm: { lodash: [HIGH] } }))).exitCode, 0);
});

test('Python: any advisory fails unless allow-listed (by id or alias); withdrawn ones are ignored', async () => {
  const server = await fake({
    pypi: {
      'jinja2/3.1.2': [pypiVulnerability('PYSEC-2024-1', ['GHSA-h5c8-rqwp-cp95', 'CVE-2024-22195'])],
      'requests/2.31.0': [pypiVulnerability('GHSA-9wx4-h78v-vm56', ['CVE-2024-35195'], '2024-06-01T00:00:00Z')],
    },
  });
  const failing = await audit(workspace(), server);
  assert.equal(failing.exitCode, 1, text(failing));
  assert.match(text(failing), /FAIL pypi jinja2 3\.1\.2: PYSEC-2024-1 \(GHSA-h5c8-rqwp-cp95, CVE-2024-22195\) \[unknown\]/);
  assert.match(text(failing), /ignored \(withdrawn\) pypi requests 2\.31\.0: GHSA-9wx4-h78v-vm56/);
  assert.match(text(failing), /PyPI advisories carry no severity: every Python advisory not withdrawn fails unless allow-listed/);
  assert.deepEqual(sourceOf(failing, 'pypi').findings.map((f) => f.id), ['PYSEC-2024-1']);
  assert.ok(!server.received.some((r) => r.url.startsWith('/pypi/todo-api/')), 'the workspace package was queried');
  const allowed = await audit(workspace([allow({ id: 'CVE-2024-22195', package: 'Jinja2' })]), server);
  assert.equal(allowed.exitCode, 0, text(allowed));
  assert.deepEqual(sourceOf(allowed, 'pypi').allowListed.map((f) => f.id), ['PYSEC-2024-1']);
});

test('unused allow-list entries are reported (only when every source was audited)', async () => {
  const run = await audit(workspace([allow({ id: 'GHSA-0000-0000-0000' })]), await fake({}));
  assert.equal(run.exitCode, 0);
  assert.match(text(run), /unused allow-list entry: entries\[0\] GHSA-0000-0000-0000 for lodash .* matched no finding/);
  const blocked = await audit(workspace([allow({ id: 'GHSA-0000-0000-0000' })]), await fake({ npm: { status: 405 } }));
  assert.match(text(blocked), /unused allow-list entries: cannot tell, not every source was audited/);
});

test('405 from npm and 404 from PyPI: NOT AUDITED, exit 0; exit 2 with --require-sources', async () => {
  const server = await fake({ npm: { status: 405 }, pypi: { status: 404 } });
  const run = await audit(workspace(), server);
  assert.equal(run.exitCode, 0, text(run));
  assert.match(text(run), new RegExp(`^NOT AUDITED: npm advisories — ${server.url}/-/npm/v1/security/advisories/bulk answered HTTP 405$`, 'm'));
  assert.match(text(run), new RegExp(`^NOT AUDITED: PyPI advisories — ${server.url}/pypi/\\S+/json answered HTTP 404 \\(the same for all 2 package versions\\)$`, 'm'));
  assert.match(text(run), /audited: none; NOT AUDITED: npm advisories, PyPI advisories/);
  assert.match(text(run), /pass --require-sources to fail \(exit 2\)/);
  assert.equal(sourceOf(run, 'npm').status, 'unreachable');
  assert.match(sourceOf(run, 'npm').reason ?? '', /answered HTTP 405/);
  assert.equal(sourceOf(run, 'pypi').status, 'unreachable');
  const strict = await audit(workspace(), server, { requireSources: true });
  assert.equal(strict.exitCode, 2);
  // Findings still win over unreachable sources: exit 1.
  const mixed = await audit(workspace(), await fake({ npm: { lodash: [HIGH] }, pypi: { status: 404 } }), { requireSources: true });
  assert.equal(mixed.exitCode, 1);
});

test('npm is asked in chunks; a timeout and a refused connection are told apart from an HTTP error', async () => {
  const chunked = await fake({ npm: { lodash: [HIGH] } });
  const run = await audit(workspace(), chunked, { npmChunkSize: 2 });
  assert.equal(chunked.received.filter((r) => r.method === 'POST').length, 2);
  assert.equal(run.exitCode, 1);

  const hanging = await fake({ hang: true });
  const started = Date.now();
  const slow = await audit(workspace(), hanging, { timeoutMs: 300 });
  assert.ok(Date.now() - started < 5_000, 'the timeout was not bounded');
  assert.equal(slow.exitCode, 0);
  assert.match(text(slow), /NOT AUDITED: npm advisories — \S+ did not answer within 0\.3 s \(timeout, no HTTP answer\)/);
  assert.match(text(slow), /NOT AUDITED: PyPI advisories — \S+ did not answer within 0\.3 s/);

  const closed = await fake({});
  await closed.close();
  const refused = await audit(workspace(), closed.url);
  assert.match(text(refused), /NOT AUDITED: npm advisories — \S+ could not be reached \(network error, no HTTP answer: ECONNREFUSED/);
});

test('a malformed allow-list is refused before any request, naming the file and the problem', async () => {
  const server = await fake({});
  const dir = workspace(JSON.stringify({ entries: [{ id: 'GHSA-1', package: 'lodash', expires: '2027-01-01' }] }));
  const run = await audit(dir, server);
  assert.equal(run.exitCode, 1);
  assert.match(text(run), /allow-list allowlist\.json is malformed: entries\[0\]\.reason is missing or empty — nothing was audited/);
  assert.equal(server.received.length, 0);
  const missing = await audit(dir, server, { allowlist: 'nowhere.json' });
  assert.match(text(missing), /allow-list nowhere\.json is malformed: cannot be read \(ENOENT\)/);
});

test('the CLI (as the Nx target runs it) exits 0, or 2 with --require-sources, when sources answer 405/404', async () => {
  const server = await fake({ npm: { status: 405 }, pypi: { status: 404 } });
  const dir = workspace();
  const at = (file: string): string => path.join(dir, file);
  const args = ['--import', 'tsx', 'tools/audit/cli.ts', '--npm-registry', server.url, '--pypi-url', server.url,
    '--npm-lock', at('package-lock.json'), '--uv-lock', at('uv.lock'), '--allowlist', at('allowlist.json'), '--report', at('audit.json')];
  // Asynchronously: the fake server answers from this process.
  const run = (extra: string[]) =>
    new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [...args, ...extra], { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('close', (status) => resolve({ status, stdout }));
    });
  const lenient = await run([]);
  assert.equal(lenient.status, 0, lenient.stdout);
  assert.match(lenient.stdout, /^NOT AUDITED: npm advisories — .* answered HTTP 405$/m);
  const strict = await run(['--require-sources']);
  assert.equal(strict.status, 2, strict.stdout);
  const report = JSON.parse(readFileSync(path.join(dir, 'audit.json'), 'utf8')) as { exitCode: number; notAudited: string[] };
  assert.equal(report.exitCode, 2);
  assert.equal(report.notAudited.length, 2);
  assert.equal(spawnSync(process.execPath, ['--import', 'tsx', 'tools/audit/cli.ts', '--bogus'], { cwd: root }).status, 1);
});
