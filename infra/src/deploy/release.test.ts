// A deploy that fails, run as real processes: the doctor's fake kubectl serving a fixture
// scenario, and a fake helm that keeps the release's history (__fixtures__/fake-helm.ts).
// A failed first install is kept and explained; a failed upgrade is explained, then rolled back.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Helm } from '@todo/kube';
import { writeFakeTools, type FakeTools } from '../doctor/__fixtures__/scenarios';
import { NOT_READY, servedHistory, writeFakeHelm, type FakeHelmState } from './__fixtures__/fake-helm';
import { parseDeployArgs } from './cli';
import { deploy } from './deploy';
import { DeployFailed, upgradeInstallOrExplain } from './release';

let fakes: FakeTools;
let workspace: string;
beforeAll(() => {
  fakes = writeFakeTools();
  workspace = mkdtempSync(path.join(tmpdir(), 'deploy-fail-'));
  mkdirSync(path.join(workspace, 'dist/images'), { recursive: true });
  for (const image of ['todo-api', 'todo-web']) {
    writeFileSync(path.join(workspace, 'dist/images', `${image}.json`), JSON.stringify({ image, tag: 'nx-1', ref: `${image}:nx-1`, id: 'sha256:0', size: 1, built: true }));
  }
});
afterAll(() => {
  rmSync(fakes.bin, { recursive: true, force: true });
  rmSync(workspace, { recursive: true, force: true });
});
beforeEach(() => fakes.reset());

const helmCalls = () => fakes.calls().filter((c) => c[0] === 'helm').map((c) => c.slice(1));
const upgradeCall = () => helmCalls().find((c) => c[0] === 'upgrade')!;

/** Deploys (`--load none`) against the fakes; resolves with the error it failed with. */
async function failedDeploy(scenario: string, state: FakeHelmState, diagnoseTimeoutMs = 30_000) {
  const helm = writeFakeHelm(fakes.bin, state);
  const env = { ...fakes.env(scenario), ...helm.env };
  const lines: string[] = [];
  const error = await deploy(parseDeployArgs(['--load', 'none', '--timeout', '5m'], {}), (l) => lines.push(l), workspace, { env, diagnoseTimeoutMs }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DeployFailed)) throw new Error(`expected DeployFailed, got ${String(error)}\n${lines.join('\n')}`);
  return { error, log: lines.join('\n'), after: helm.state() };
}

describe('a first install that fails (PostgreSQL cannot write its volume)', () => {
  test('is not rolled back or uninstalled: the failed release stays for diagnosis, and the message says how to remove it', async () => {
    const { error, after } = await failedDeploy('permission-denied', { history: [], upgrade: 'fail' });
    expect(error.outcome).toBe('kept');
    expect(upgradeCall()).not.toContain('--rollback-on-failure');
    expect(upgradeCall()).not.toContain('--atomic');
    expect(helmCalls().map((c) => c[0])).not.toContain('rollback');
    expect(helmCalls().map((c) => c[0])).not.toContain('uninstall');
    expect(after.history.map((h) => h.status)).toEqual(['failed']);
    expect(error.message).toContain('kept as it failed (not uninstalled) for diagnosis');
    expect(error.message).toContain('npm run nx -- run infra:destroy   (or: helm uninstall todo -n todo)');
  });

  test('the message has helm\'s "not ready" list and, from infra:doctor, the crash loop, its log line and the fix', async () => {
    const { error } = await failedDeploy('permission-denied', { history: [], upgrade: 'fail' });
    expect(error.message).toContain(`helm upgrade --install failed: Error: INSTALLATION FAILED: ${NOT_READY.split('\n')[0]}`);
    expect(error.message).toContain('infra:doctor found (release "todo", namespace todo):');
    expect(error.message).toContain('StatefulSet/todo-todo-chatbot-postgresql: postgresql keeps crashing (CrashLoopBackOff): PostgreSQL may not write its data directory');
    expect(error.message).toContain("| mkdir: cannot create directory '/var/lib/postgresql/data': Permission denied");
    expect(error.message).toContain('--set postgresql.volumePermissions.enabled=true');
    // The release's own state is helm's news, not a finding to repeat.
    expect(error.message).not.toContain('[critical] Release/');
    if (!('findings' in error.diagnosis)) throw new Error(error.diagnosis.error);
    expect(error.diagnosis.findings.some((f) => f.kind === 'crash-loop')).toBe(true);
  });
});

test('a failed first install deployed again, failing again, is still kept: it never served, so there is nothing to roll back to', async () => {
  const failed = { ...servedHistory(1)[0]!, status: 'failed' as const, description: 'Release "todo" failed: context deadline exceeded' };
  const { error, after } = await failedDeploy('permission-denied', { history: [failed], upgrade: 'fail' });
  expect(error.outcome).toBe('kept');
  expect(helmCalls().map((c) => c[0])).not.toContain('rollback');
  expect(after.history.map((h) => h.status)).toEqual(['failed', 'failed']);
  expect(error.message).toContain('Error: UPGRADE FAILED:');
});

describe('an upgrade that fails', () => {
  test('is explained first, then rolled back to the revision that served', async () => {
    const { error, after } = await failedDeploy('permission-denied', { history: servedHistory(3), upgrade: 'fail' });
    expect(error.outcome).toBe('rolled-back');
    expect(upgradeCall()).not.toContain('--rollback-on-failure');
    const calls = fakes.calls();
    const rollbackAt = calls.findIndex((c) => c[0] === 'helm' && c[1] === 'rollback');
    expect(calls[rollbackAt]!.slice(1, 4)).toEqual(['rollback', 'todo', '3']);
    expect(calls[rollbackAt]).toContain('--wait=watcher');
    // The doctor read the crash-looping pod's log before the rollback replaced it.
    const logsAt = calls.findIndex((c) => c[0] === 'kubectl' && c.includes('logs'));
    expect(logsAt).toBeGreaterThan(-1);
    expect(logsAt).toBeLessThan(rollbackAt);
    expect(after.history.map((h) => h.status)).toEqual(['superseded', 'superseded', 'superseded', 'failed', 'deployed']);
    expect(error.message).toContain('helm upgrade --install failed: Error: UPGRADE FAILED:');
    expect(error.message).toContain("| mkdir: cannot create directory '/var/lib/postgresql/data': Permission denied");
    expect(error.message).toContain('Rolled back to revision 3, which serves again');
  });

  test('that helm refused before recording a revision leaves nothing to roll back', async () => {
    const { error } = await failedDeploy('healthy', { history: servedHistory(2), upgrade: 'fail-before-release' });
    expect(error.outcome).toBe('unchanged');
    expect(helmCalls().map((c) => c[0])).not.toContain('rollback');
    expect(error.message).toContain("values don't meet the specifications of the schema(s)");
    expect(error.message).toContain('the release serves as it is (revision 2 or newer), nothing to roll back');
  });

  test('whose new revision deployed after all (helm failed afterwards) is not rolled back', async () => {
    const { error, after } = await failedDeploy('healthy', { history: servedHistory(2), upgrade: 'deploy-then-fail' });
    expect(error.outcome).toBe('unchanged');
    expect(helmCalls().map((c) => c[0])).not.toContain('rollback');
    expect(after.history.map((h) => h.status)).toEqual(['superseded', 'superseded', 'deployed']);
  });

  test('whose rollback fails says both, and how to retry', async () => {
    const { error } = await failedDeploy('permission-denied', { history: servedHistory(1), upgrade: 'fail', rollbackError: 'Error: timed out waiting for the condition' });
    expect(error.outcome).toBe('rollback-failed');
    expect(error.message).toContain('The rollback to revision 1 failed too: Error: timed out waiting for the condition');
    expect(error.message).toContain('npm run nx -- run infra:rollback');
  });
});

describe('when the doctor cannot tell', () => {
  test('an unreachable cluster: helm\'s error is still the message, with why the doctor could not add to it', async () => {
    const { error } = await failedDeploy('unreachable', { history: [], upgrade: 'fail' });
    expect(error.message).toContain('helm upgrade --install failed: Error: INSTALLATION FAILED: resource Deployment/todo/todo-todo-chatbot-api not ready');
    expect(error.message).toMatch(/infra:doctor could not tell why \(could not reach the cluster: The connection to the server .* was refused/);
    expect(error.outcome).toBe('kept');
  });

  test('a doctor that does not answer in time is given up on, and helm\'s error still goes out', async () => {
    const state = writeFakeHelm(fakes.bin, { history: servedHistory(1), upgrade: 'fail' });
    const env = { ...fakes.env('healthy'), ...state.env };
    const helm = await Helm.create({ env });
    const started = Date.now();
    const failure = await upgradeInstallOrExplain({
      helm,
      release: 'todo',
      namespace: 'todo',
      chart: 'charts/todo-chatbot',
      install: { timeout: '1m' },
      diagnose: () => new Promise(() => undefined),
      diagnoseTimeoutMs: 300,
      log: () => undefined,
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DeployFailed);
    expect((failure as DeployFailed).message).toContain('infra:doctor could not tell why (it did not answer within 300 ms)');
    expect((failure as DeployFailed).message).toContain('Error: UPGRADE FAILED:');
    expect((failure as DeployFailed).outcome).toBe('rolled-back');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

test('a deploy that succeeds runs helm test and no rollback', async () => {
  const helm = writeFakeHelm(fakes.bin, { history: servedHistory(1), upgrade: 'succeed' });
  const lines: string[] = [];
  await deploy(parseDeployArgs(['--load', 'none'], {}), (l) => lines.push(l), workspace, { env: { ...fakes.env('healthy'), ...helm.env } });
  expect(helmCalls().map((c) => c[0])).toEqual(['version', 'history', 'upgrade', 'test']);
  expect(lines).toContain('upgrading todo from revision 1 (a failure rolls back to it)');
});
