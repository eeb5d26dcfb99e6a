// Test support: a fake helm with a release history kept in a JSON file, so a deploy can be
// run as real processes against it (installs and upgrades that fail, rollbacks that add a
// revision). kubectl is the doctor's fake (doctor/__fixtures__/scenarios.ts), serving a scenario.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HistoryEntry } from '@todo/kube';

/** What the fake helm knows: the release's history, and whether `upgrade --install` succeeds. */
export interface FakeHelmState {
  history: HistoryEntry[];
  /** `deploy-then-fail`: the revision deploys, then helm exits non-zero anyway (e.g. its output is cut). */
  upgrade: 'fail' | 'fail-before-release' | 'deploy-then-fail' | 'succeed';
  /** `rollback` fails with this message when set. */
  rollbackError?: string;
}

/** What helm 4 prints when --wait gives up on a first install: statuses, no cause. */
export const NOT_READY = [
  'resource Deployment/todo/todo-todo-chatbot-api not ready. status: InProgress, message: Available: 0/1',
  'resource StatefulSet/todo/todo-todo-chatbot-postgresql not ready. status: InProgress, message: Ready: 0/1',
  'context deadline exceeded',
].join('\n');

const FAKE_HELM = String.raw`
const fs = require('node:fs');
const file = process.env.FAKE_HELM_STATE;
const args = process.argv.slice(2);
if (process.env.FAKE_CALLS) fs.appendFileSync(process.env.FAKE_CALLS, JSON.stringify(['helm', ...args]) + '\n');
const state = JSON.parse(fs.readFileSync(file, 'utf8'));
const save = () => fs.writeFileSync(file, JSON.stringify(state));
const fail = (text) => { process.stderr.write(text + '\n'); process.exit(1); };
const last = () => state.history[state.history.length - 1];
const entry = (status, description) => ({ revision: (last()?.revision ?? 0) + 1, updated: '2026-03-04T10:00:04Z', status, chart: 'todo-chatbot-0.1.0', app_version: '0.1.0', description });
const release = (h) => ({ name: 'todo', namespace: 'todo', version: h.revision, info: { status: h.status, description: h.description }, chart: { metadata: { name: 'todo-chatbot', version: '0.1.0' } } });
if (args[0] === 'version') { process.stdout.write('v4.1.4'); process.exit(0); }
if (args[0] === 'history' || args[0] === 'status') {
  if (!state.history.length) fail('Error: release: not found');
  process.stdout.write(JSON.stringify(args[0] === 'history' ? state.history : release(last())));
  process.exit(0);
}
if (args[0] === 'upgrade') {
  const first = !state.history.length;
  if (state.upgrade === 'fail-before-release') fail('Error: UPGRADE FAILED: values don\'t meet the specifications of the schema(s)');
  if (state.upgrade === 'fail') {
    state.history.push(entry('failed', 'Release "todo" failed: context deadline exceeded'));
    save();
    fail((first ? 'Error: INSTALLATION FAILED: ' : 'Error: UPGRADE FAILED: ') + ${JSON.stringify(NOT_READY)});
  }
  for (const h of state.history) if (h.status === 'deployed') h.status = 'superseded';
  state.history.push(entry('deployed', first ? 'Install complete' : 'Upgrade complete'));
  save();
  if (state.upgrade === 'deploy-then-fail') fail('Error: connection reset by peer');
  process.stdout.write(JSON.stringify(release(last())));
  process.exit(0);
}
if (args[0] === 'rollback') {
  if (state.rollbackError) fail(state.rollbackError);
  for (const h of state.history) if (h.status === 'deployed') h.status = 'superseded';
  state.history.push(entry('deployed', 'Rollback to ' + args[2]));
  save();
  process.stdout.write('Rollback was a success! Happy Helming!\n');
  process.exit(0);
}
if (args[0] === 'test') { process.stdout.write('TEST SUITE: none\n'); process.exit(0); }
fail('Error: the fake helm does not know: ' + args.join(' '));
`;

/** Writes the fake helm into `bin` (over any other) and its state beside it; returns the env to add. */
export function writeFakeHelm(bin: string, state: FakeHelmState): { env: NodeJS.ProcessEnv; state: () => FakeHelmState } {
  const file = path.join(bin, 'helm-state.json');
  writeFileSync(path.join(bin, 'helm'), `#!${process.execPath}\n${FAKE_HELM}`);
  chmodSync(path.join(bin, 'helm'), 0o755);
  writeFileSync(file, JSON.stringify(state));
  return { env: { FAKE_HELM_STATE: file }, state: () => JSON.parse(readFileSync(file, 'utf8')) as FakeHelmState };
}

/** A history whose revision `revision` serves. */
export function servedHistory(revision: number): HistoryEntry[] {
  return Array.from({ length: revision }, (_, i) => ({
    revision: i + 1,
    updated: '2026-03-01T12:00:00Z',
    status: i + 1 === revision ? 'deployed' : 'superseded',
    chart: 'todo-chatbot-0.1.0',
    app_version: '0.1.0',
    description: i === 0 ? 'Install complete' : 'Upgrade complete',
  }));
}
