// `nx run chart:lint`: the chart checked every way that needs no cluster.
//   1. `helm lint --strict` with each values file of charts/todo-chatbot/ci/;
//   2. `helm template` of each, as an install and as an upgrade, validated against the Kubernetes OpenAPI schemas of several
//      minor versions (kubernetes-validate, strict: unknown fields are errors);
//   3. checkov's Kubernetes policies over every rendered manifest: zero failures, apart from
//      the skips charts/todo-chatbot/checkov.yaml explains one by one;
//   4. each file in charts/todo-chatbot/tests/bad-values/ rejected, with the error its
//      first line (`# expect: …`) names.
// The Python tools are pinned in python-tools.ts and installed beforehand by `chart:lint-tools`;
// their reports are read from stdout alone (stderr carries notes, and goes into failure messages).
// Rendered manifests and a summary go to reports/chart/lint/.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { Helm, HelmError } from '@todo/kube';
import { chartDir, root } from '../workspace';
import { PYTHON_TOOLS, runPythonTool } from './python-tools';
import { readCheckovReport, toolMessage } from './tool-reports';

/** The chart's floor (Chart.yaml kubeVersion >=1.25), Minikube's current default, the newest. */
export const KUBE_VERSIONS = ['1.25.0', '1.30.0', '1.34.0', '1.37.0'];

const reports = path.join(root, 'reports/chart/lint');
const ciDir = path.join(chartDir, 'ci');
const badDir = path.join(chartDir, 'tests/bad-values');

interface Result {
  step: string;
  subject: string;
  ok: boolean;
  detail?: string;
}
const results: Result[] = [];
function record(step: string, subject: string, ok: boolean, detail?: string): void {
  results.push({ step, subject, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${step}: ${subject}${detail ? `\n       ${detail.split('\n').join('\n       ')}` : ''}`);
}

const valuesFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join(dir, f));
const caseName = (file: string) => path.basename(file, '.yaml').replace(/-values$/, '');

async function main(): Promise<void> {
  const helm = await Helm.create({ workspaceRoot: root });
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  const cases = valuesFiles(ciDir);
  if (cases.length === 0) throw new Error(`no values files in ${ciDir}`);

  // 1 and 2: lint, then render for every Kubernetes version.
  const rendered: Record<string, string[]> = Object.fromEntries(KUBE_VERSIONS.map((v) => [v, []]));
  for (const file of cases) {
    try {
      const findings = await helm.lint(chartDir, { strict: true, values: [file] });
      record('helm lint --strict', caseName(file), true, findings.filter((f) => f.severity !== 'INFO').map((f) => f.message).join('\n') || undefined);
    } catch (error) {
      record('helm lint --strict', caseName(file), false, error instanceof Error ? error.message : String(error));
      continue;
    }
    // As a first install and as an upgrade: the migration Job and its Secret differ.
    for (const kubeVersion of KUBE_VERSIONS) {
      for (const isUpgrade of [false, true]) {
        const objects = await helm.template(chartDir, { release: 'todo', namespace: 'todo', values: [file], kubeVersion, isUpgrade });
        const out = path.join(reports, `k8s-${kubeVersion}`, `${caseName(file)}${isUpgrade ? '-upgrade' : ''}.yaml`);
        mkdirSync(path.dirname(out), { recursive: true });
        writeFileSync(out, objects.map((o) => `---\n${stringify(o)}`).join(''));
        rendered[kubeVersion]!.push(out);
      }
    }
  }

  for (const kubeVersion of KUBE_VERSIONS) {
    const files = rendered[kubeVersion]!;
    const run = await runPythonTool(PYTHON_TOOLS.kubernetesValidate, ['--strict', '--quiet', '-k', kubeVersion, ...files]);
    record(`kubernetes-validate --strict -k ${kubeVersion}`, `${files.length} renders (install and upgrade)`, run.status === 0, run.status === 0 ? undefined : toolMessage(run));
  }

  // 3: checkov over what the newest version rendered (the manifests do not differ by version).
  const newest = path.join(reports, `k8s-${KUBE_VERSIONS.at(-1)}`);
  const checkov = await runPythonTool(PYTHON_TOOLS.checkov, [
    '--framework', 'kubernetes', '--directory', newest, '--config-file', path.join(chartDir, 'checkov.yaml'),
    '--output', 'json', '--quiet', '--skip-download',
  ]);
  try {
    const report = readCheckovReport(checkov);
    record('checkov (kubernetes)', `${report.passed} passed, ${report.skipped} skipped by annotation (and the checks checkov.yaml explains)`,
      report.failures.length === 0, report.failures.join('\n') || undefined);
  } catch (error) {
    record('checkov (kubernetes)', 'report', false, error instanceof Error ? error.message : String(error));
  }

  // 4: bad values are refused, each with the message it expects.
  for (const file of valuesFiles(badDir)) {
    const expected = /^#\s*expect:\s*(.+)$/m.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
    if (!expected) {
      record('bad values refused', caseName(file), false, 'no `# expect: …` line naming the error');
      continue;
    }
    try {
      await helm.template(chartDir, { release: 'todo', namespace: 'todo', values: [file] });
      record('bad values refused', caseName(file), false, 'rendered without an error');
    } catch (error) {
      const message = error instanceof HelmError ? `${error.helmMessage}\n${error.stderr}` : String(error);
      const ok = error instanceof HelmError && message.includes(expected);
      record('bad values refused', caseName(file), ok, ok ? message.split('\n').find((l) => l.includes(expected))?.trim() : `expected "${expected}" in:\n${message}`);
    }
  }

  const failed = results.filter((r) => !r.ok);
  writeFileSync(path.join(reports, 'summary.json'), JSON.stringify({ kubeVersions: KUBE_VERSIONS, results }, null, 2));
  console.log(`\nhelm-lint: ${results.length - failed.length} passed, ${failed.length} failed (${cases.length} values files × ${KUBE_VERSIONS.length} Kubernetes versions)`);
  if (failed.length) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
