// Builds what the hermetic cluster runs, once per version (a stamp of the inputs beside
// each output; a second cluster-up skips what is current): the multi-call node binary,
// CoreDNS, metrics-server, the pause binary, and the three FROM-scratch images.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Docker, findOnPath, runCommand } from '@todo/kube';
import { root } from '../workspace';
import { corednsGoMod, fetchKubernetesModule, goEnv, METRICS_SERVER_PACKAGE, metricsServerGet, metricsServerGoMod, nodeGoMod, versionLdflags } from './gomod';
import type { Layout } from './layout';
import { COREDNS_VERSION, KUBERNETES_VERSION, METRICS_SERVER_VERSION, PAUSE_TAG } from './versions';

export const SOURCES = path.join(root, 'infra', 'hermetic');

export const IMAGES = {
  pause: `registry.k8s.io/pause:${PAUSE_TAG}`,
  coredns: `todo-hermetic/coredns:${COREDNS_VERSION}`,
  metricsServer: `todo-hermetic/metrics-server:${METRICS_SERVER_VERSION}`,
} as const;

export type Timed = <T>(label: string, work: () => Promise<T>) => Promise<T>;

/** Builds whatever binary is missing or stale (Go and gcc only: no Docker needed). */
export async function buildBinaries(l: Layout, timed: Timed, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  mkdirSync(l.binDir, { recursive: true });
  const go = goEnv(env);
  await checkToolchain(go);
  const kubernetes = await timed(`k8s.io/kubernetes ${KUBERNETES_VERSION} from the Go module proxy`, () => fetchKubernetesModule(go));
  const kubernetesGoMod = kubernetes.goMod;

  await ensure(l, 'node', [nodeGoMod(kubernetesGoMod), versionLdflags(), ...sourceTexts('node')], (out) =>
    timed('build the node binary (etcd + every Kubernetes component; ~10 min cold)', async () => {
      const dir = moduleDir(l, 'node', nodeGoMod(kubernetesGoMod), 'node');
      await runCommand('go', ['mod', 'tidy'], { cwd: dir, env: go });
      await runCommand('go', ['build', '-trimpath', '-ldflags', `-s -w ${versionLdflags()}`, '-o', out, '.'], { cwd: dir, env: go });
    }),
  );
  await ensure(l, 'coredns', [corednsGoMod(), ...sourceTexts('coredns')], (out) =>
    timed(`build CoreDNS ${COREDNS_VERSION} (cluster.local only)`, async () => {
      const dir = moduleDir(l, 'coredns', corednsGoMod(), 'coredns');
      await runCommand('go', ['mod', 'tidy'], { cwd: dir, env: go });
      await runCommand('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', out, '.'], { cwd: dir, env: go });
    }),
  );
  await ensure(l, 'metrics-server', [metricsServerGoMod(), metricsServerGet()], (out) =>
    timed(`build metrics-server ${METRICS_SERVER_VERSION}`, async () => {
      const dir = moduleDir(l, 'metrics-server', metricsServerGoMod());
      await runCommand('go', ['get', '-tool', metricsServerGet()], { cwd: dir, env: go });
      await runCommand('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', out, METRICS_SERVER_PACKAGE], { cwd: dir, env: go });
    }),
  );
  const pauseSource = path.join(kubernetes.dir, 'build', 'pause', 'linux', 'pause.c');
  await ensure(l, 'pause', [PAUSE_TAG], (out) =>
    timed(`build the pause binary (${PAUSE_TAG}) with gcc`, async () => {
      await runCommand('gcc', ['-Os', '-static', '-Wall', `-DVERSION=v${PAUSE_TAG}`, '-o', out, pauseSource], { env });
      await runCommand('strip', [out], { env });
    }),
  );
}

/** Go 1.25+ (k/k 1.34's go.mod; GOTOOLCHAIN=local never downloads one), gcc and strip. */
async function checkToolchain(env: NodeJS.ProcessEnv): Promise<void> {
  const version = await runCommand('go', ['env', 'GOVERSION'], { env }).then(
    (r) => r.stdout.trim(),
    () => '',
  );
  const [, major, minor] = /^go(\d+)\.(\d+)/.exec(version) ?? [];
  if (!version || Number(major) < 1 || (Number(major) === 1 && Number(minor) < 25)) {
    throw new Error(`Kubernetes 1.34 needs Go 1.25 or newer on PATH (found ${version || 'no go'}): install it from https://go.dev/dl or your distribution`);
  }
  for (const tool of ['gcc', 'strip']) {
    if (!findOnPath(tool, env['PATH'])) throw new Error(`${tool} is missing (it builds the static pause binary): apt-get install -y gcc libc6-dev binutils`);
  }
}

/** Rebuilds `bin/<name>` unless its stamp records the same inputs. */
async function ensure(l: Layout, name: string, inputs: string[], build: (out: string) => Promise<void>): Promise<void> {
  const out = path.join(l.binDir, name);
  const stampFile = `${out}.stamp`;
  const stamp = createHash('sha256').update(inputs.join('\0')).digest('hex');
  if (existsSync(out) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    console.log(`  ${name}: built already (${path.relative(root, out)})`);
    return;
  }
  rmSync(stampFile, { force: true });
  await build(out);
  writeFileSync(stampFile, stamp);
}

/** A fresh module directory under .tools/kubernetes/<version>/src/<name> with the go.mod and our sources. */
function moduleDir(l: Layout, name: string, goMod: string, sources?: string): string {
  const dir = path.join(l.toolsDir, 'src', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'go.mod'), goMod);
  if (sources) for (const file of goFiles(sources)) copyFileSync(path.join(SOURCES, sources, file), path.join(dir, file));
  return dir;
}

const goFiles = (sources: string) => readdirSync(path.join(SOURCES, sources)).filter((f) => f.endsWith('.go')).sort();
const sourceTexts = (sources: string) => goFiles(sources).map((f) => readFileSync(path.join(SOURCES, sources, f), 'utf8'));

/** Docker builds the three images unless the engine has them, built from these binaries, already. */
export async function buildImages(l: Layout, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const docker = new Docker({ env });
  const wanted: [string, string][] = [
    [IMAGES.pause, 'pause'],
    [IMAGES.coredns, 'coredns'],
    [IMAGES.metricsServer, 'metrics-server'],
  ];
  for (const [ref, binary] of wanted) {
    const stamp = readFileSync(path.join(l.binDir, `${binary}.stamp`), 'utf8').slice(0, 12);
    const label = `org.todo.hermetic.inputs=${stamp}`;
    if ((await docker.attempt(['image', 'inspect', '--format', '{{index .Config.Labels "org.todo.hermetic.inputs"}}', ref])).stdout.trim() === stamp) continue;
    const context = mkdtempSync(path.join(l.toolsDir, 'image-'));
    try {
      copyFileSync(path.join(l.binDir, binary), path.join(context, binary));
      copyFileSync(path.join(SOURCES, 'images', 'Dockerfile'), path.join(context, 'Dockerfile'));
      await docker.run(['build', '--quiet', '--build-arg', `BINARY=${binary}`, '--label', label, '--tag', ref, context]);
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  }
}
