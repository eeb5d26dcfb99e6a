// Test support: the fixture scenarios, read straight into a Snapshot (for the pure checks) or
// served by a fake kubectl and a fake helm (for the collector and the CLI, as real processes).
//
// A scenario directory holds what kubectl and helm print for one cluster state: the files are
// listed with SCENARIO_FILES in ../record.ts, which writes them from a live cluster's snapshot.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { METRICS_NOT_INSTALLED, logTargets } from '../collect';
import type { IngressClass, KubeEvent, KubeList } from '@todo/kube';
import { SCENARIO_FILES as F, logFile, type ScenarioMeta } from '../record';
import { metricsAvailability, parseSecretKeys, releaseSummary, sortObjects, type HelmView, type Snapshot } from '../snapshot';

export const SCENARIOS = path.join(__dirname);
/** A fixture's name, or the absolute path of a recorded scenario. */
export const scenarioDir = (name: string) => path.resolve(SCENARIOS, name);

/** A scenario as the collector would see it, without running anything. */
export function loadScenario(name: string, overrides: { release?: string; namespace?: string } = {}): Snapshot {
  const dir = scenarioDir(name);
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  const has = (file: string) => existsSync(path.join(dir, file));
  const meta = JSON.parse(read(F.meta)) as ScenarioMeta;
  const objects = sortObjects(JSON.parse(read(F.objects)));
  const helm: HelmView = has(F.helmStatus)
    ? { status: releaseSummary(JSON.parse(read(F.helmStatus))), history: JSON.parse(read(F.helmHistory)) }
    : { error: 'release: not found', notFound: true };
  return {
    release: overrides.release ?? meta.release ?? 'todo',
    namespace: overrides.namespace ?? meta.namespace ?? 'todo',
    context: meta.context,
    server: meta.server,
    collectedAt: new Date(meta.collectedAt).toISOString(),
    objects,
    secrets: parseSecretKeys(read(F.secrets)),
    ingressClasses: has(F.ingressClasses) ? (JSON.parse(read(F.ingressClasses)) as KubeList<IngressClass>).items : [],
    events: (JSON.parse(read(F.events)) as KubeList<KubeEvent>).items,
    logs: logTargets(objects.pods).map((t) => {
      const file = logFile(t);
      return has(file) ? { ...t, lines: read(file).split('\n').filter((l) => l.trim()) } : { ...t, lines: [], error: 'no log in the fixture' };
    }),
    metrics: has(F.apiService) ? metricsAvailability(JSON.parse(read(F.apiService))) : { available: false, reason: METRICS_NOT_INSTALLED },
    helm,
    gaps: [],
  };
}

const FAKE_KUBECTL = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const dir = process.env.FAKE_SCENARIO;
if (process.env.FAKE_CALLS) fs.appendFileSync(process.env.FAKE_CALLS, JSON.stringify(['kubectl', ...process.argv.slice(2)]) + '\n');
const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
const has = (f) => fs.existsSync(path.join(dir, f));
// Exit only once the output is flushed: a large fixture (300 kB of events) is cut short otherwise.
const print = (text, code = 0) => { process.stdout.write(text, () => process.exit(code)); };
const out = (text) => print(text.endsWith('\n') ? text : text + '\n');
const fail = (text) => { process.stderr.write(text + '\n', () => process.exit(1)); };
const meta = JSON.parse(read('meta.json'));
const args = process.argv.slice(2);
const globals = {};
for (let i = 0; i < args.length; ) {
  if (['--context', '--kubeconfig', '--request-timeout'].includes(args[i])) { globals[args[i]] = args[i + 1]; args.splice(i, 2); } else i++;
}
(function main() {
if (globals['--context'] && globals['--context'] !== meta.context) {
  return fail('error: context was not found for specified context: ' + globals['--context']);
}
const [verb, what] = args;
if (verb === 'config' && what === 'current-context') return out(meta.context);
if (verb === 'config' && what === 'view') return print(meta.server ?? '');
if (meta.unreachable) {
  const host = meta.server.replace(/^https?:\/\//, '');
  return fail('E0302 10:00:00.000000   4242 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: Get \\"' + meta.server + '/api?timeout=15s\\": dial tcp ' + host + ': connect: connection refused"\nThe connection to the server ' + host + ' was refused - did you specify the right host or port?');
}
if (verb === 'get' && what === 'events') return out(read('events.json'));
if (verb === 'get' && what === 'secrets') return print(read('secrets.txt'));
if (verb === 'get' && what === 'ingressclasses') return out(has('ingressclasses.json') ? read('ingressclasses.json') : '{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}');
if (verb === 'get' && what === 'apiservice') {
  if (has('apiservice.json')) return out(read('apiservice.json'));
  return fail('Error from server (NotFound): apiservices.apiregistration.k8s.io "' + args[2] + '" not found');
}
if (verb === 'get' && what.startsWith('pods,')) {
  process.stderr.write('Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n');
  return out(read('objects.json'));
}
if (verb === 'logs') {
  const pod = args[1];
  const container = args[args.indexOf('--container') + 1];
  const previous = args.includes('--previous');
  const file = 'logs/' + pod + '.' + container + (previous ? '.previous' : '') + '.log';
  if (has(file)) return out(read(file));
  return fail(previous
    ? 'Error from server (BadRequest): previous terminated container "' + container + '" in pod "' + pod + '" not found'
    : 'Error from server (BadRequest): container "' + container + '" in pod "' + pod + '" is waiting to start: PodInitializing');
}
return fail('error: the fake kubectl does not know: ' + args.join(' '));
})();
`;

const FAKE_HELM = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const dir = process.env.FAKE_SCENARIO;
if (process.env.FAKE_CALLS) fs.appendFileSync(process.env.FAKE_CALLS, JSON.stringify(['helm', ...process.argv.slice(2)]) + '\n');
const args = process.argv.slice(2);
if (args[0] === 'version') { process.stdout.write('v4.1.4'); process.exit(0); }
const file = path.join(dir, args[0] === 'status' ? 'helm-status.json' : 'helm-history.json');
if ((args[0] === 'status' || args[0] === 'history') && fs.existsSync(file)) process.stdout.write(fs.readFileSync(file, 'utf8'), () => process.exit(0));
else process.stderr.write('Error: release: not found\n', () => process.exit(1));
`;

export interface FakeTools {
  /** Directory with the fake `kubectl` and `helm`, to put first on PATH. */
  bin: string;
  /** Environment that runs the fakes against a scenario and records their calls. */
  env: (scenario: string) => NodeJS.ProcessEnv;
  /** The argument lists the fakes were called with, `[tool, ...args]`. */
  calls: () => string[][];
  /** Forgets the calls recorded so far. */
  reset: () => void;
}

/** Writes the fake kubectl and helm (Node scripts) into a temp dir. */
export function writeFakeTools(): FakeTools {
  const bin = mkdtempSync(path.join(tmpdir(), 'doctor-fakes-'));
  const callsFile = path.join(bin, 'calls.jsonl');
  for (const [name, body] of [
    ['kubectl', FAKE_KUBECTL],
    ['helm', FAKE_HELM],
  ] as const) {
    writeFileSync(path.join(bin, name), `#!${process.execPath}\n${body}`);
    chmodSync(path.join(bin, name), 0o755);
  }
  writeFileSync(callsFile, '');
  return {
    bin,
    env: (scenario) => {
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`, FAKE_SCENARIO: scenarioDir(scenario), FAKE_CALLS: callsFile };
      for (const key of ['KUBECTL_BIN', 'HELM_BIN', 'KUBECONFIG', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL']) delete env[key];
      return env;
    },
    calls: () =>
      readFileSync(callsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[]),
    reset: () => writeFileSync(callsFile, ''),
  };
}
