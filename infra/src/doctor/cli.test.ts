// The command: exit codes, the text and JSON reports, the cluster-unreachable message, and the
// optional AI summary against a local fake OpenAI-compatible server (no network).
import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeFakeTools, type FakeTools } from './__fixtures__/scenarios';
import { main } from './cli';
import type { JsonReport } from './report';

let fakes: FakeTools;
beforeAll(() => (fakes = writeFakeTools()));
afterAll(() => rmSync(fakes.bin, { recursive: true, force: true }));

async function run(args: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), env });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('exit codes and reports', () => {
  test('healthy: exit 0 and says so', async () => {
    const r = await run(['--release', 'todo', '--namespace', 'todo'], fakes.env('healthy'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('infra:doctor: release "todo" in namespace "todo" (context todo-hermetic, https://192.0.2.2:6443)');
    expect(r.stdout).toContain('Checked 4 pods, 3 workloads, 0 jobs, 4 services, 1 autoscaler, 0 ingresses, 7 network policies, 324 events; Helm revision 6 (deployed).');
    expect(r.stdout).toContain('No problems found');
    expect(r.stdout).toMatch(/0 critical, 0 warning, 0 info\. Exit code 0\.$/);
  });

  test('problems: exit 1, grouped by severity, each with its fix', async () => {
    const r = await run([], fakes.env('minikube-trouble'));
    expect(r.code).toBe(1);
    const critical = r.stdout.indexOf('CRITICAL (');
    const warning = r.stdout.indexOf('WARNING (');
    expect(critical).toBeGreaterThan(0);
    expect(warning).toBeGreaterThan(critical);
    expect(r.stdout).toContain('fix: The image is not inside Minikube. Load it: minikube image load todo-api:nx-3f9c2a1b');
    expect(r.stdout).toMatch(/4 critical, 5 warning, 0 info\. Exit code 1\.$/);
  });

  test('--json: the findings as data, same exit code', async () => {
    const r = await run(['--json', '-n', 'todo', '-r', 'todo'], fakes.env('config-trouble'));
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report).toMatchObject({ release: 'todo', namespace: 'todo', context: 'minikube', exitCode: 1, gaps: [] });
    expect(report.summary).toEqual({ critical: 4, warning: 0, info: 0 });
    expect(report.findings.map((f) => f.kind).sort()).toEqual(['crash-loop', 'migration-failed', 'release-failed', 'secret-key-missing']);
    expect(report.findings[0]).toEqual({ kind: expect.any(String), severity: 'critical', object: expect.any(String), title: expect.any(String), details: expect.any(Array), fix: expect.any(Array) });
  });

  test('release not found: exit 1, one finding', async () => {
    const r = await run([], fakes.env('not-deployed'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('There is no Helm release "todo" in the namespace "todo", and no object labelled with it.');
  });

  test('cluster unreachable: exit 2, in plain words, with the kubeconfig and context it tried', async () => {
    const env = { ...fakes.env('unreachable'), KUBECONFIG: '/home/dev/.kube/config' };
    const r = await run([], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'infra:doctor could not inspect the cluster: could not reach the cluster: The connection to the server 192.168.49.2:8443 was refused - did you specify the right host or port?',
        '  kubeconfig: /home/dev/.kube/config',
        '  context:    minikube',
        '  server:     https://192.168.49.2:8443',
        `  command:    ${path.join(fakes.bin, 'kubectl')} --context minikube --request-timeout 15s get ${'pods,deployments,statefulsets,jobs,cronjobs,horizontalpodautoscalers,ingresses,services,endpoints,persistentvolumeclaims,networkpolicies'} --namespace todo --selector app.kubernetes.io/instance=todo --output json`,
        'Is the cluster running (minikube status), and is this the right context (kubectl config get-contexts)? Pass --context or --kubeconfig to choose another.',
      ].join('\n'),
    );
  });

  test('bad arguments: exit 2 with the usage', async () => {
    const r = await run(['--relase', 'todo'], fakes.env('healthy'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--relase'");
    expect(r.stderr).toContain('usage: infra:doctor');
    expect(r.stderr).toContain('--record DIR');
  });

  test('the Nx target\'s command runs as a real process with the same exit code', () => {
    const root = path.resolve(__dirname, '../../..');
    const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['infra/src/doctor/cli.ts', '--release', 'todo', '--namespace', 'todo'], {
      cwd: root,
      env: fakes.env('runtime-trouble'),
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('[Secret/todo-db] The Secret todo-db does not exist');
  });
});

describe('--record', () => {
  let tmp: string;
  beforeAll(() => (tmp = mkdtempSync(path.join(tmpdir(), 'doctor-cli-record-'))));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const pinned = (scenario: string) => ({ ...fakes.env(scenario), INFRA_DOCTOR_NOW: '2026-03-02T11:40:00Z' });

  test('writes the scenario and says so in one line on stderr; the report and exit code stay; served, it gives the same report', async () => {
    const dir = path.join(tmp, 'config-trouble');
    const plain = await run(['--json'], pinned('config-trouble'));
    const recorded = await run(['--json', '--record', dir], pinned('config-trouble'));
    expect(recorded).toEqual({ code: 1, stdout: plain.stdout, stderr: `infra:doctor: recorded what was collected as a test scenario in ${dir}` });
    expect(readdirSync(dir)).toContain('objects.json');
    expect(await run(['--json'], pinned(dir))).toEqual(plain);
  });

  test('a directory that holds something else: exit 2, one line, no report', async () => {
    writeFileSync(path.join(tmp, 'notes.md'), 'mine');
    const r = await run(['--record', tmp], fakes.env('healthy'));
    expect(r).toEqual({ code: 2, stdout: '', stderr: `infra:doctor could not record the scenario: ${tmp} is neither empty nor a recorded scenario (no meta.json): not writing into it` });
  });
});

/** A local port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('--ai', () => {
  let server: Server;
  let baseUrl: string;
  let requests: { url?: string; headers: IncomingMessage['headers']; body: string }[];
  let respond: (body: string) => { status: number; json?: unknown; delayMs?: number };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests.push({ url: req.url, headers: req.headers, body });
        const answer = respond(body);
        setTimeout(() => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer.json ?? { error: { message: 'boom' } }));
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (requests = []));

  test('posts the findings to /chat/completions and prints the summary after the report', async () => {
    respond = () => ({ status: 200, json: { choices: [{ message: { role: 'assistant', content: 'Root cause: the Secret todo-db is missing.' } }] } });
    const env = { ...fakes.env('runtime-trouble'), OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'llama3.2' };
    const r = await run(['--ai'], env);
    expect(r.code).toBe(1);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/v1/chat/completions');
    expect(requests[0]!.headers['authorization']).toBe('Bearer sk-test');
    const body = JSON.parse(requests[0]!.body) as { model: string; messages: { role: string; content: string }[] };
    expect(body.model).toBe('llama3.2');
    const sent = JSON.parse(body.messages[1]!.content) as { findings: { kind: string }[] };
    expect(sent.findings.map((f) => f.kind)).toContain('secret-missing');
    expect(r.stdout.indexOf('AI summary (llama3.2')).toBeGreaterThan(r.stdout.indexOf('Exit code 1.'));
    expect(r.stdout).toContain('Root cause: the Secret todo-db is missing.');
  });

  test('sends no Secret value: only key names are ever collected', async () => {
    respond = () => ({ status: 200, json: { choices: [{ message: { content: 'ok' } }] } });
    await run(['--ai', '--json'], { ...fakes.env('config-trouble'), OPENAI_BASE_URL: baseUrl });
    expect(requests[0]!.headers['authorization']).toBeUndefined(); // a base URL alone: no key sent
    expect(requests[0]!.body).not.toMatch(/sk-|password=|hunter2/);
  });

  test('a failing model is a one-line note, never a crash, and the exit code stays the report\'s', async () => {
    respond = () => ({ status: 500 });
    const r = await run(['--ai'], { ...fakes.env('minikube-trouble'), OPENAI_BASE_URL: baseUrl });
    expect(r.code).toBe(1);
    const note = r.stdout.split('\n').at(-1)!;
    expect(note).toBe(`AI summary unavailable: ${baseUrl}/chat/completions answered HTTP 500 ({"error":{"message":"boom"}})`);
  });

  test('an unreachable model and a timeout are notes too; --json carries the note', async () => {
    const port = await closedPort();
    const closed = await run(['--ai'], { ...fakes.env('minikube-trouble'), OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` });
    expect(closed.stdout.split('\n').at(-1)).toBe(`AI summary unavailable: http://127.0.0.1:${port}/v1/chat/completions: ECONNREFUSED`);

    const { summarise } = await import('./ai');
    respond = () => ({ status: 200, json: { choices: [{ message: { content: 'late' } }] }, delayMs: 500 });
    const result = await summarise([], { release: 'todo', namespace: 'todo' }, { baseUrl, model: 'm', timeoutMs: 100 });
    expect(result).toEqual({ ok: false, note: `AI summary unavailable: ${baseUrl}/chat/completions: no answer within 0.1 s` });

    respond = () => ({ status: 401 });
    const json = JSON.parse((await run(['--ai', '--json'], { ...fakes.env('minikube-trouble'), OPENAI_BASE_URL: baseUrl })).stdout) as JsonReport;
    expect(json.aiNote).toMatch(/^AI summary unavailable: .* answered HTTP 401/);
    expect(json.aiSummary).toBeUndefined();
  });

  test('without OPENAI_API_KEY or OPENAI_BASE_URL, --ai says what to set', async () => {
    const r = await run(['--ai'], fakes.env('minikube-trouble'));
    expect(r.stdout.split('\n').at(-1)).toBe('AI summary skipped: set OPENAI_API_KEY or OPENAI_BASE_URL to use --ai');
    expect(requests).toHaveLength(0);
  });
});
