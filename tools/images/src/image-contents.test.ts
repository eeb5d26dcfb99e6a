import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEBIAN_MANIFEST, parseDebianManifest, parseDistInfoMetadata, parseOsRelease, parsePackageJson, readImageContents, sbomSourceFiles } from './image-contents';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'image-contents-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(relative: string, text: string): string {
  mkdirSync(path.join(dir, path.dirname(relative)), { recursive: true });
  writeFileSync(path.join(dir, relative), text);
  return relative;
}

const SITE = 'app/.venv/lib/python3.11/site-packages';
const METADATA = 'Metadata-Version: 2.4\nName: fastapi\nVersion: 0.115.0\nSummary: FastAPI framework\nRequires-Dist: starlette\n\nName: not-a-header (the description)\n';

test('core metadata: Name and Version from the headers only', () => {
  expect(parseDistInfoMetadata(METADATA)).toEqual({ name: 'fastapi', version: '0.115.0' });
  expect(parseDistInfoMetadata('Metadata-Version: 2.1\r\nName: PyYAML\r\nVersion: 6.0.2\r\n\r\n')).toEqual({ name: 'PyYAML', version: '6.0.2' });
  expect(parseDistInfoMetadata('Metadata-Version: 2.1\n\nName: body\nVersion: 1\n')).toBeNull();
});

test('package.json: name and version, or null', () => {
  expect(parsePackageJson('{"name": "next", "version": "15.1.0", "main": "index.js"}')).toEqual({ name: 'next', version: '15.1.0' });
  expect(parsePackageJson('{"type": "module"}')).toBeNull();
  expect(parsePackageJson('{"name": "x"}')).toBeNull();
  expect(parsePackageJson('not json')).toBeNull();
});

test('the Debian manifest: four tab-separated fields a line; anything else is refused with its line', () => {
  expect(parseDebianManifest('/usr/lib/x86_64-linux-gnu/libssl.so.3\tlibssl3\t3.0.15-1~deb12u1\tamd64\n\n')).toEqual([
    { path: '/usr/lib/x86_64-linux-gnu/libssl.so.3', name: 'libssl3', version: '3.0.15-1~deb12u1', arch: 'amd64' },
  ]);
  expect(() => parseDebianManifest('/a\tpkg\t1\n')).toThrow(`${DEBIAN_MANIFEST}:1: expected path, package, version, arch`);
  expect(() => parseDebianManifest('a\tpkg\t1\tamd64\n')).toThrow(':1:');
});

test('os-release: ID and VERSION_ID, quotes removed', () => {
  expect(parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n')).toEqual({
    id: 'debian',
    versionId: '12',
    prettyName: 'Debian GNU/Linux 12 (bookworm)',
  });
  expect(parseOsRelease('ID=debian\n')).toBeNull();
});

test('only the files an SBOM is made from are taken out of the image', () => {
  const files = [
    'app/',
    `${SITE}/fastapi-0.115.0.dist-info/`,
    `${SITE}/fastapi-0.115.0.dist-info/METADATA`,
    `${SITE}/fastapi-0.115.0.dist-info/RECORD`,
    `${SITE}/fastapi/__init__.py`,
    'app/node_modules/next/package.json',
    'app/node_modules/@next/env/package.json',
    'app/node_modules/debug/node_modules/ms/package.json',
    'app/node_modules/next/dist/compiled/react/package.json',
    'app/node_modules/.bin/package.json',
    'app/package.json',
    DEBIAN_MANIFEST,
    'etc/os-release',
    'etc/passwd',
  ];
  expect(sbomSourceFiles(files)).toEqual([
    `${SITE}/fastapi-0.115.0.dist-info/METADATA`,
    'app/node_modules/next/package.json',
    'app/node_modules/@next/env/package.json',
    'app/node_modules/debug/node_modules/ms/package.json',
    DEBIAN_MANIFEST,
    'etc/os-release',
  ]);
});

test('an extracted tree gives its packages; a Debian package counts only with a file still in the image', () => {
  const files = [
    file(`${SITE}/fastapi-0.115.0.dist-info/METADATA`, METADATA),
    file(`${SITE}/broken-1.dist-info/METADATA`, 'Metadata-Version: 2.1\n'),
    file('app/node_modules/next/package.json', '{"name": "next", "version": "15.1.0"}'),
    file('app/node_modules/@next/env/package.json', '{"name": "@next/env", "version": "15.1.0"}'),
    file(
      DEBIAN_MANIFEST,
      [
        '/usr/lib/x86_64-linux-gnu/libssl.so.3\tlibssl3\t3.0.15-1~deb12u1\tamd64',
        '/usr/lib/x86_64-linux-gnu/libcrypto.so.3\tlibssl3\t3.0.15-1~deb12u1\tamd64',
        '/usr/lib/x86_64-linux-gnu/libpq.so.5\tlibpq5\t15.10-0+deb12u1\tamd64',
      ].join('\n'),
    ),
    file('etc/os-release', 'ID=debian\nVERSION_ID="12"\n'),
    'usr/lib/x86_64-linux-gnu/',
    'usr/lib/x86_64-linux-gnu/libssl.so.3',
    'usr/lib/x86_64-linux-gnu/libcrypto.so.3',
  ];
  const contents = readImageContents(dir, files);
  expect(contents.os).toEqual({ id: 'debian', versionId: '12' });
  expect(contents.skipped).toEqual([`${SITE}/broken-1.dist-info/METADATA`]);
  expect(contents.packages.map((p) => `${p.ecosystem}:${p.name}@${p.version} ${p.locations.join(',')}`)).toEqual([
    `pypi:fastapi@0.115.0 /${SITE}/fastapi-0.115.0.dist-info`,
    'npm:next@15.1.0 /app/node_modules/next',
    'npm:@next/env@15.1.0 /app/node_modules/@next/env',
    'deb:libssl3@3.0.15-1~deb12u1 /usr/lib/x86_64-linux-gnu/libssl.so.3',
    'deb:libssl3@3.0.15-1~deb12u1 /usr/lib/x86_64-linux-gnu/libcrypto.so.3',
  ]);
});

test('an image without the manifest or os-release has just its language packages', () => {
  const files = [file('app/node_modules/ms/package.json', '{"name": "ms", "version": "2.1.3"}')];
  expect(readImageContents(dir, files)).toEqual({
    packages: [{ ecosystem: 'npm', name: 'ms', version: '2.1.3', locations: ['/app/node_modules/ms'] }],
    skipped: [],
  });
});
