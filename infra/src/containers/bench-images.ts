// Image figures (`nx run infra:bench-images`, after both docker-build targets):
//   - size of each image (uncompressed, as the engine reports it) against the goals, and
//     against the base image it was built from, with the largest layers;
//   - container start to live (/healthz answers) and to ready (/readyz answers), ROUNDS
//     times per image (default 5), run as the cluster runs them (stack.ts: read-only,
//     non-root, PostgreSQL on a private network), timed by polling from the host.
// Prints the figures and writes them to reports/infra/bench-images.json.
//
//   ROUNDS=10 npm run nx -- run infra:bench-images
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readImageReport } from '@todo/images';
import { writeSection } from '@todo/tools/bench/report';
import { root } from '../workspace';
import { docker, dockerOut, logs } from './docker';
import { newStackId, removeStack, runApp, stackNames, startStack, type App } from './stack';

const ROUNDS = Number(process.env['ROUNDS'] ?? 5);
const MB = 1e6;
const goals: Record<App, number> = { api: 200 * MB, web: 180 * MB };
const images = { api: readImageReport(root, 'todo-api'), web: readImageReport(root, 'todo-web') };

interface SizeRow {
  ref: string;
  size: number;
  goal: number;
  base: string;
  baseSize: number | null;
  layers: string[];
}
interface Distribution {
  n: number;
  min: number;
  p50: number;
  max: number;
}

async function sizes(): Promise<Record<App, SizeRow>> {
  const row = async (app: App): Promise<SizeRow> => {
    const report = images[app];
    const size = Number(await dockerOut(['image', 'inspect', '-f', '{{.Size}}', report.ref]));
    const base = await dockerOut(['image', 'inspect', '-f', '{{index .Config.Labels "org.opencontainers.image.base.name"}}', report.ref]);
    const baseSize = Number((await docker.attempt(['image', 'inspect', '-f', '{{.Size}}', base])).stdout.trim()) || null;
    const layers = (await dockerOut(['history', '--no-trunc', '--format', '{{.Size}}\t{{.CreatedBy}}', report.ref]))
      .split('\n')
      .map((line) => line.split('\t'))
      .filter(([size]) => size !== '0B')
      .map(([size = '', createdBy = '']) => `${size.padStart(8)}  ${createdBy.replace(/\s+/g, ' ').slice(0, 90)}`);
    return { ref: report.ref, size, goal: goals[app], base, baseSize, layers };
  };
  return { api: await row('api'), web: await row('web') };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, min: sorted[0] ?? NaN, p50: quantile(sorted, 0.5), max: sorted.at(-1) ?? NaN };
}

async function startTimes(): Promise<Record<App, { live: Distribution; ready: Distribution }>> {
  const names = stackNames(newStackId());
  const samples: Record<App, { live: number[]; ready: number[] }> = { api: { live: [], ready: [] }, web: { live: [], ready: [] } };
  try {
    const stack = await startStack({ id: names.id });
    for (let round = 0; round < ROUNDS; round++) {
      for (const app of ['api', 'web'] as const) {
        await docker.rm([names[app]], { force: true });
        const { live, ready } = await runApp(stack, app, { timeFromHost: true });
        samples[app].live.push(live);
        samples[app].ready.push(ready);
      }
    }
  } catch (error) {
    for (const name of [names.postgres, names.api, names.web]) console.error(await logs(name));
    throw error;
  } finally {
    await removeStack(names);
  }
  const figures = (app: App) => ({ live: distribution(samples[app].live), ready: distribution(samples[app].ready) });
  return { api: figures('api'), web: figures('web') };
}

async function main(): Promise<void> {
  const size = await sizes();
  const start = await startTimes();

  console.log('\n== image sizes (uncompressed, from the engine)');
  for (const [app, row] of Object.entries(size)) {
    const verdict = row.size <= row.goal ? 'within' : 'OVER';
    const base = row.baseSize ? `; base ${row.base} is ${(row.baseSize / MB).toFixed(1)} MB, ratio ${(row.size / row.baseSize).toFixed(2)}` : '';
    console.log(`${app.padEnd(4)} ${(row.size / MB).toFixed(1)} MB  (${verdict} the ${row.goal / MB} MB goal${base})  ${row.ref}`);
    for (const layer of row.layers) console.log(`       ${layer}`);
  }
  console.log(`\n== container start (ms, ${ROUNDS} rounds each; from docker run to live = /healthz answers, ready = /readyz answers)`);
  for (const [app, figures] of Object.entries(start)) {
    for (const [what, d] of Object.entries(figures)) {
      console.log(`${app.padEnd(4)} ${what.padEnd(8)} min ${Math.round(d.min)}  p50 ${Math.round(d.p50)}  max ${Math.round(d.max)}`);
    }
  }
  const md = [
    `- Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} cores with \`npm run nx -- run infra:bench-images\`; sizes are uncompressed, from the engine.`,
    '',
    '| image | size | goal | base image (size) | image ÷ base |',
    '|---|---:|---:|---|---:|',
    ...Object.entries(size).map(([app, r]) =>
      `| ${app} | **${(r.size / MB).toFixed(1)} MB** | ≤ ${r.goal / MB} MB | ${r.base} (${r.baseSize ? `${(r.baseSize / MB).toFixed(1)} MB` : '?'}) | ${r.baseSize ? (r.size / r.baseSize).toFixed(2) : '?'} |`),
    '',
    `Container start, ${ROUNDS} starts per image, run as the cluster runs them (read-only, user 10001, PostgreSQL on a private network), timed from \`docker run\` by polling from the host every 25 ms:`,
    '',
    '| image | to live (/healthz) min / p50 / max ms | to ready (/readyz) min / p50 / max ms |',
    '|---|---:|---:|',
    ...Object.entries(start).map(([app, f]) =>
      `| ${app} | ${[f.live.min, f.live.p50, f.live.max].map(Math.round).join(' / ')} | ${[f.ready.min, f.ready.p50, f.ready.max].map(Math.round).join(' / ')} |`),
  ].join('\n');
  writeSection('images-bench', 'Container images (`nx run infra:bench-images`)', md);
  console.log('\nwritten to docs/benchmarks.md');
  mkdirSync(path.join(root, 'reports/infra'), { recursive: true });
  writeFileSync(path.join(root, 'reports/infra/bench-images.json'), JSON.stringify({ size, start }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
