// Recording a snapshot as a scenario directory. Every fixture round-trips: read back by
// loadScenario, analysed, and served by the fake kubectl and helm to collect(). A live-like
// snapshot loses only the API server's noise and what of helm's answer could hold a Secret value.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Release } from '@todo/kube';
import { SCENARIOS, loadScenario, scenarioDir, writeFakeTools, type FakeTools } from './__fixtures__/scenarios';
import { analyze } from './analyze';
import { METRICS_NOT_INSTALLED, collect } from './collect';
import { recordScenario, recordable } from './record';
import type { Snapshot } from './snapshot';

// Not `unreachable`: a cluster that never answers gives no snapshot (collect throws CannotInspect),
// so there is nothing to record; its directory holds only meta.json.
const NAMES = readdirSync(SCENARIOS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'unreachable')
  .map((d) => d.name);

let fakes: FakeTools;
let tmp: string;
beforeAll(() => {
  fakes = writeFakeTools();
  tmp = mkdtempSync(path.join(tmpdir(), 'doctor-record-'));
});
afterAll(() => {
  rmSync(fakes.bin, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

let dirs = 0;
const newDir = () => path.join(tmp, `scenario-${++dirs}`);

/** Every file under dir, by its relative path. */
function tree(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Object.fromEntries(files.map((e) => [path.relative(dir, path.join(e.parentPath, e.name)), readFileSync(path.join(e.parentPath, e.name), 'utf8')]));
}

test('the fixtures are all there', () => {
  expect(NAMES).toEqual(['backup-stale', 'config-trouble', 'healthy', 'live-faults', 'minikube-trouble', 'not-deployed', 'permission-denied', 'runtime-trouble']);
});

describe.each(NAMES)('%s, recorded', (name) => {
  let recorded: string;
  beforeAll(() => recordScenario(loadScenario(name), (recorded = newDir())));

  test('reads back as the snapshot it was (less the noise), with the same findings', () => {
    const original = loadScenario(name);
    const back = loadScenario(recorded);
    expect(back).toEqual(recordable(original));
    expect(analyze(back)).toEqual(analyze(original));
  });

  test('is stable: recording it again writes the same bytes; secrets.txt is what kubectl prints', () => {
    const again = newDir();
    recordScenario(loadScenario(recorded), again);
    expect(tree(again)).toEqual(tree(recorded));
    expect(tree(recorded)['secrets.txt']).toBe(readFileSync(path.join(scenarioDir(name), 'secrets.txt'), 'utf8'));
  });

  test('served by the fake kubectl and helm, gives collect() the same snapshot', async () => {
    const now = () => new Date('2026-03-05T12:00:00Z');
    const from = (dir: string) => collect({ release: 'todo', namespace: 'todo', env: fakes.env(dir), now });
    expect(await from(recorded)).toEqual(recordable(await from(name)));
  });
});

/** config-trouble as a live cluster gives it: another release, API-server noise, helm's whole answer. */
function live(): Snapshot {
  const s = loadScenario('config-trouble', { release: 'faults', namespace: 'todo-faults' });
  for (const o of [...s.objects.pods, ...s.events]) Object.assign(o.metadata, { resourceVersion: '91234', managedFields: [{ manager: 'kubelet', time: '2026-03-02T11:39:58Z' }] });
  for (const o of s.objects.deployments) Object.assign(o.metadata, { annotations: { ...o.metadata.annotations, 'checksum/secret': 'c0ffee5ha256' } });
  const status = s.helm.status!;
  const whole: Release & Record<string, unknown> = {
    ...status,
    // helm 4 lists the live resources, Secrets with their data.
    info: { ...status.info, resources: { 'v1/Secret': [{ kind: 'Secret', data: { 'jwt-secret': 'aHVudGVyMg==' } }] } } as Release['info'],
    manifest: 'kind: Secret\ndata:\n  jwt-secret: aHVudGVyMg==\n',
    hooks: [{ name: 'migrate', kind: 'Job', path: 'migrations/job.yaml', manifest: 'DATABASE_URL: postgresql://todo:hunter2@db', events: ['pre-install'] }],
    config: { auth: { jwtSecret: 'hunter2' } },
    chart: { ...status.chart!, templates: [{ name: 'templates/secret.yaml', data: 'e3stIC19fQ==' }], values: { auth: { jwtSecret: '' } } } as Release['chart'],
  };
  return { ...s, helm: { ...s.helm, status: whole } };
}

describe('a live snapshot, recorded', () => {
  test('keeps its release and namespace; loadScenario still renames', () => {
    const dir = newDir();
    recordScenario(live(), dir);
    expect(loadScenario(dir)).toMatchObject({ release: 'faults', namespace: 'todo-faults' });
    expect(loadScenario(dir, { release: 'todo', namespace: 'todo' })).toMatchObject({ release: 'todo', namespace: 'todo' });
  });

  test("leaves out the noise and helm's manifest, hooks, values and chart; JSON in two spaces with a final newline", () => {
    const dir = newDir();
    const files = recordScenario(live(), dir);
    const written = tree(dir);
    expect(Object.keys(written).sort()).toEqual([...files].sort());
    for (const [file, text] of Object.entries(written).filter(([f]) => f.endsWith('.json'))) {
      expect([file, text]).toEqual([file, `${JSON.stringify(JSON.parse(text), null, 2)}\n`]);
    }
    const all = Object.values(written).join('\n');
    expect(all).not.toMatch(/managedFields|91234|c0ffee5ha256|hunter2|aHVudGVyMg|e3stIC19fQ|"manifest"|"config"/);
    expect(JSON.parse(written['helm-status.json']!)).toEqual({ name: 'todo', namespace: 'todo', version: 1, info: loadScenario('config-trouble').helm.status!.info, chart: { metadata: live().helm.status!.chart!.metadata } });
    expect(analyze(loadScenario(dir))).toEqual(analyze(live()));
  });

  test.each<[string, Snapshot['metrics'], boolean]>([
    ['available', { available: true }, true],
    ['not available, with the reason', { available: false, reason: 'failing or missing response from https://10.96.0.12:10250/apis/metrics.k8s.io/v1beta1' }, true],
    ['not installed', { available: false, reason: METRICS_NOT_INSTALLED }, false],
  ])('metrics %s: an APIService that reads the same, or none', (_, metrics, file) => {
    const dir = newDir();
    expect(recordScenario({ ...live(), metrics }, dir).includes('apiservice.json')).toBe(file);
    expect(loadScenario(dir).metrics).toEqual(metrics);
  });

  test('logs: lines as read; a log read but empty is an empty file; one that could not be read, no file', () => {
    const s = live();
    const [crash, jobA, jobB] = s.logs;
    s.logs = [crash!, { ...jobA!, lines: [] }, { ...jobB!, lines: [], error: 'Error from server (BadRequest): container "migrate-api" is waiting to start' }];
    const dir = newDir();
    const files = recordScenario(s, dir).filter((f) => f.startsWith('logs/'));
    expect(files).toEqual(['logs/todo-todo-chatbot-api-58c7d9b6f4-hx9lp.api.previous.log', 'logs/todo-todo-chatbot-migrate-install-5mfzt.migrate-api.log']);
    expect(readFileSync(path.join(dir, files[0]!), 'utf8')).toBe(crash!.lines.map((l) => `${l}\n`).join(''));
    expect(loadScenario(dir).logs).toEqual([crash, { ...jobA, lines: [] }, { ...jobB, lines: [], error: 'no log in the fixture' }]);
  });

  test('replaces an earlier recording, its logs and helm files too; refuses a directory that holds something else', () => {
    const dir = newDir();
    recordScenario(live(), dir);
    recordScenario(loadScenario('not-deployed'), dir);
    expect(Object.keys(tree(dir)).sort()).toEqual(['apiservice.json', 'events.json', 'meta.json', 'objects.json', 'secrets.txt']);
    expect(loadScenario(dir)).toEqual(recordable(loadScenario('not-deployed')));

    const other = newDir();
    mkdirSync(other);
    writeFileSync(path.join(other, 'notes.md'), 'mine');
    expect(() => recordScenario(live(), other)).toThrow(`${other} is neither empty nor a recorded scenario (no meta.json): not writing into it`);
    expect(tree(other)).toEqual({ 'notes.md': 'mine' });
  });
});
