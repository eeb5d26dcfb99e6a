// Proves that `nx run-many -t docker-build` rebuilds only the images whose inputs changed,
// and prints how long each step took:
//   1. build both images (cold or warm, whatever the engine holds)
//   2. again, unchanged: nothing is built
//   3. one API source file changed: only api is built
//   4. a README changed: nothing is built
//   5. the api image removed from the engine: api is built again (a "hit" is only trusted
//      when the engine has the image)
// Every change is undone before the script ends. Exits non-zero when a step builds the
// wrong images. Base images come from TODO_PYTHON_IMAGE / TODO_NODE_IMAGE when set.
//
//   npm run nx -- run infra:prove-change-only
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readImageReport, type ImageReport } from '@todo/images';
import { runCommand } from '@todo/kube';
import { writeSection } from '@todo/tools/bench/report';
import { root } from '../workspace';
import { docker } from './docker';

type Project = 'api' | 'web';
const projects: Record<Project, string> = { api: 'todo-api', web: 'todo-web' };
const projectNames = Object.keys(projects) as Project[];

interface BuildResult {
  seconds: number;
  reports: Record<Project, ImageReport>;
  built: Project[];
}

async function build(): Promise<BuildResult> {
  const started = performance.now();
  await runCommand(process.execPath, ['tools/scripts/nx.mjs', 'run-many', '-t', 'docker-build', '-p', ...projectNames, '--outputStyle=stream'], {
    cwd: root,
    output: 'inherit',
  });
  const seconds = (performance.now() - started) / 1000;
  const reports = { api: readImageReport(root, projects.api), web: readImageReport(root, projects.web) };
  return { seconds, reports, built: projectNames.filter((p) => reports[p].built) };
}

/** Appends a line to a file for the duration of `fn`, then restores it byte for byte. */
async function withChange<T>(file: string, line: string, fn: () => Promise<T>): Promise<T> {
  const full = path.join(root, file);
  const before = readFileSync(full);
  appendFileSync(full, line);
  try {
    return await fn();
  } finally {
    writeFileSync(full, before);
  }
}

interface Step {
  name: string;
  seconds: number;
  built: Project[];
  ok: boolean;
  expected: Project[] | null;
  reports: Record<Project, ImageReport>;
}
const steps: Step[] = [];
let failed = false;
/** Runs one step; `expected` lists the projects it must build (null: whatever it builds). */
async function step(name: string, expected: Project[] | null, run: () => Promise<BuildResult>): Promise<BuildResult> {
  console.log(`\n== ${name}`);
  const result = await run();
  const ok = expected === null || JSON.stringify(result.built) === JSON.stringify(expected);
  if (!ok) failed = true;
  steps.push({ name, seconds: result.seconds, built: result.built, ok, expected, reports: result.reports });
  return result;
}

// What the builder had cached before the first step: "0B" means the first build is cold.
async function buildCacheSize(): Promise<string | undefined> {
  const { stdout } = await docker.run(['system', 'df', '--format', '{{.Type}}\t{{.Size}}']);
  return stdout
    .split('\n')
    .find((line) => line.startsWith('Build Cache'))
    ?.split('\t')[1];
}

async function main(): Promise<void> {
  const cacheBefore = await buildCacheSize();
  const first = await step('build both', null, build);
  await step('no change', [], build);
  // A change never made before (a nonce), so its image cannot already be in the engine from an
  // earlier run; the probe image is removed again afterwards.
  const nonce = `${Date.now()}-${process.pid}`;
  const changed = await step('one API source file changed', ['api'], () =>
    withChange('apps/api/todo_api/__init__.py', `# change-only rebuild probe ${nonce}\n`, build),
  );
  if (changed.reports.api.ref !== first.reports.api.ref) await docker.run(['image', 'rm', changed.reports.api.ref]);
  await step('a README changed', [], () => withChange('apps/api/README.md', `\nchange-only rebuild probe ${nonce}\n`, build));
  await docker.run(['image', 'rm', first.reports.api.ref]);
  await step('api image removed from the engine', ['api'], build);
  report(cacheBefore, first);
}

function report(cacheBefore: string | undefined, first: BuildResult): void {
  const lines = [
    `- Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} cores with \`npm run nx -- run infra:prove-change-only\`; base images ${process.env.TODO_PYTHON_IMAGE ?? 'python (official)'}, ${process.env.TODO_NODE_IMAGE ?? 'node (official)'}.`,
    `- Build cache before the first step: ${cacheBefore ?? 'unknown'} (${cacheBefore === '0B' ? 'a cold build' : 'layers may be warm'}).`,
    '- "seconds" is the whole `nx run-many -t docker-build` (both targets, side by side); "build" is each image build alone.',
    '',
    '| step | images built (build s) | seconds | as expected |',
    '|---|---|---:|---|',
    ...steps.map((s) => {
      const built = s.built.map((project) => `${project} (${s.reports[project].buildSeconds})`).join(', ') || 'none';
      const verdict = s.expected === null ? '—' : s.ok ? 'yes' : `no (expected ${s.expected.join(', ') || 'none'})`;
      return `| ${s.name} | ${built} | ${s.seconds.toFixed(1)} | ${verdict} |`;
    }),
  ];
  console.log(`\n${lines.join('\n')}`);
  for (const [project, image] of Object.entries(first.reports)) {
    console.log(`${project}: ${image.ref}, ${(image.size / 1e6).toFixed(1)} MB`);
  }
  if (!failed) writeSection('image-builds', 'Image builds (`nx run infra:prove-change-only`)', lines.join('\n'));
  if (failed) {
    console.error('\nchange-only rebuilds: FAILED');
    process.exit(1);
  }
  console.log('\nchange-only rebuilds: proven');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
