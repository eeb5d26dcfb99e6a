// infra:e2e-cluster: the release on the hermetic cluster (infra:cluster-up), step by step.
// Each step prints what it proved and its time; a failing step stops the run (later steps
// build on it) after infra:doctor has read the release. Reports in reports/infra/e2e-cluster:
// JUnit (one test case per step) and summary.json with the figures for docs/benchmarks.md.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main as doctor } from '../doctor/cli';
import { CONTEXT, layout } from '../hermetic/layout';
import { root } from '../workspace';
import { Release } from './cluster';
import { changeOnly, browserSuite, failedUpgrade, install, noChange, operatorRollback } from './steps-deploy';
import { backupRestore } from './steps-backup';
import { dayTwo, doctorLive } from './steps-day-two';
import { autoscaling, dns, faults } from './steps-faults';
import { policiesEnforced } from './steps-network';
import { seconds, type Context, type Step } from './step';

export const STEPS: Step[] = [install, browserSuite, noChange, changeOnly, failedUpgrade, operatorRollback, faults, autoscaling, dns, policiesEnforced, backupRestore, doctorLive, dayTwo];

interface Outcome {
  title: string;
  ms: number;
  proved?: string;
  error?: string;
}

function junit(outcomes: Outcome[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const failures = outcomes.filter((o) => o.error).length;
  const cases = outcomes.map((o, i) => {
    const name = esc(`${i + 1}. ${o.title}`);
    const body = o.error ? `<failure message="${esc(o.error.split('\n')[0]!)}">${esc(o.error)}</failure>` : `<system-out>${esc(o.proved ?? '')}</system-out>`;
    return `    <testcase classname="e2e-cluster" name="${name}" time="${(o.ms / 1000).toFixed(1)}">${body}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="e2e-cluster" tests="${outcomes.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}

async function main(): Promise<boolean> {
  const reportsDir = path.join(root, 'reports/infra/e2e-cluster');
  rmSync(reportsDir, { recursive: true, force: true });
  mkdirSync(reportsDir, { recursive: true });
  // Every tool the steps run (helm, kubectl, the deploy, the doctor) reads the cluster's kubeconfig.
  process.env['KUBECONFIG'] = layout().kubeconfig;
  const values = [path.join(root, 'infra/values/e2e-cluster.yaml')];
  // CI has no registry: PostgreSQL is its stand-in image (tools/containers/base-images.sh).
  const postgres = /^(.+):([^:/]+)$/.exec(process.env['TODO_POSTGRES_IMAGE'] ?? '');
  if (postgres) {
    values.push(path.join(reportsDir, 'postgres-image-values.yaml'));
    writeFileSync(values[1]!, `postgresql:\n  image:\n    registry: ""\n    repository: ${postgres[1]}\n    tag: ${postgres[2]}\n`);
  }
  const ctx: Context = {
    release: await Release.open('todo', 'todo'),
    values,
    reportsDir,
    figures: {},
  };
  const outcomes: Outcome[] = [];
  for (const [i, step] of STEPS.entries()) {
    console.log(`\n== e2e-cluster ${i + 1}/${STEPS.length}: ${step.title}`);
    const began = Date.now();
    try {
      const proved = await step.run(ctx);
      outcomes.push({ title: step.title, ms: Date.now() - began, proved });
      console.log(`   proved (${seconds(Date.now() - began)}): ${proved}`);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      outcomes.push({ title: step.title, ms: Date.now() - began, error });
      console.error(`   FAILED (${seconds(Date.now() - began)}): ${error}`);
      const io = { out: console.error, err: console.error, env: process.env };
      await doctor(['--release', ctx.release.name, '--namespace', ctx.release.namespace, '--context', CONTEXT], io).catch(() => 2);
      break;
    }
  }
  writeFileSync(path.join(reportsDir, 'junit.xml'), junit(outcomes));
  writeFileSync(path.join(reportsDir, 'summary.json'), JSON.stringify({ steps: outcomes, figures: ctx.figures }, null, 2));
  console.log('\n== e2e-cluster figures');
  for (const [name, value] of Object.entries(ctx.figures)) console.log(`${name.padEnd(44)} ${typeof value === 'number' ? seconds(value) : value}`);
  const passed = outcomes.length === STEPS.length && outcomes.every((o) => !o.error);
  console.log(passed ? `\ne2e-cluster: passed (${STEPS.length} steps)` : `\ne2e-cluster: FAILED at step ${outcomes.length} of ${STEPS.length}`);
  return passed;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
