import { type FoundPackage, type OperatingSystem, componentsOf, cycloneDxDocument, normalisePythonName, purl, sbomDigest, serialiseSbom } from './sbom';

const debian: OperatingSystem = { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' };
const subject = { image: 'todo-api', tag: 'nx-123' };

const packages: FoundPackage[] = [
  { ecosystem: 'pypi', name: 'FastAPI', version: '0.115.0', locations: ['/app/.venv/lib/python3.11/site-packages/fastapi-0.115.0.dist-info'] },
  { ecosystem: 'npm', name: '@next/env', version: '15.0.0', locations: ['/app/node_modules/@next/env'] },
  { ecosystem: 'npm', name: 'ms', version: '2.1.3', locations: ['/app/node_modules/ms'] },
  { ecosystem: 'npm', name: 'ms', version: '2.1.3', locations: ['/app/node_modules/debug/node_modules/ms'] },
  { ecosystem: 'deb', name: 'libssl3', version: '3.0.15-1~deb12u1', arch: 'amd64', locations: ['/usr/lib/x86_64-linux-gnu/libssl.so.3'] },
  { ecosystem: 'deb', name: 'libssl3', version: '3.0.15-1~deb12u1', arch: 'amd64', locations: ['/usr/lib/x86_64-linux-gnu/libcrypto.so.3'] },
  { ecosystem: 'deb', name: 'zlib1g', version: '1:1.2.13.dfsg-1', arch: 'amd64', locations: ['/usr/lib/x86_64-linux-gnu/libz.so.1'] },
];

test('purls follow the spec: PEP 503 names, %40 for an npm scope, Debian epoch and + encoded, arch and distro', () => {
  expect(normalisePythonName('Typing_Extensions')).toBe('typing-extensions');
  expect(normalisePythonName('zope.interface')).toBe('zope-interface');
  expect(purl(packages[0]!)).toBe('pkg:pypi/fastapi@0.115.0');
  expect(purl(packages[1]!)).toBe('pkg:npm/%40next/env@15.0.0');
  expect(purl(packages[4]!, debian)).toBe('pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12');
  expect(purl({ ecosystem: 'deb', name: 'libstdc++6', version: '12.2.0-14+deb12u1', arch: 'amd64', locations: [] }, debian)).toBe(
    'pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12',
  );
  expect(purl(packages[6]!, debian)).toBe('pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12');
});

test('the document is CycloneDX 1.5: the image as subject, one component per purl with every location', () => {
  const doc = cycloneDxDocument(subject, packages, debian);
  expect(doc).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1 });
  expect(doc.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(doc.metadata.component).toEqual({ type: 'container', 'bom-ref': 'todo-api:nx-123', name: 'todo-api', version: 'nx-123' });
  expect(doc.components[0]).toEqual({ type: 'operating-system', 'bom-ref': 'os:debian@12', name: 'debian', version: '12', description: debian.prettyName });
  expect(doc.components.map((c) => c['bom-ref'])).toEqual([
    'os:debian@12',
    'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12',
    'pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12',
    'pkg:npm/%40next/env@15.0.0',
    'pkg:npm/ms@2.1.3',
    'pkg:pypi/fastapi@0.115.0',
  ]);
  const ssl = doc.components.find((c) => c.name === 'libssl3');
  expect(ssl?.evidence?.occurrences).toEqual([{ location: '/usr/lib/x86_64-linux-gnu/libcrypto.so.3' }, { location: '/usr/lib/x86_64-linux-gnu/libssl.so.3' }]);
  expect(ssl?.properties).toContainEqual({ name: 'todo:deb:arch', value: 'amd64' });
  const env = doc.components.find((c) => c.purl === 'pkg:npm/%40next/env@15.0.0');
  expect(env).toMatchObject({ group: '@next', name: 'env', version: '15.0.0' });
  expect(doc.components.find((c) => c.name === 'ms')?.evidence?.occurrences).toHaveLength(2);
});

test('the same contents in any order give the same bytes and digest; other contents another', () => {
  const text = serialiseSbom(cycloneDxDocument(subject, packages, debian));
  const shuffled = serialiseSbom(cycloneDxDocument(subject, [...packages].reverse(), debian));
  expect(shuffled).toBe(text);
  expect(text).not.toMatch(/timestamp/);
  expect(text.endsWith('}\n')).toBe(true);
  expect(sbomDigest(text)).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(sbomDigest(shuffled)).toBe(sbomDigest(text));
  const other = serialiseSbom(cycloneDxDocument(subject, packages.slice(1), debian));
  expect(sbomDigest(other)).not.toBe(sbomDigest(text));
  expect(JSON.parse(other).serialNumber).not.toBe(JSON.parse(text).serialNumber);
});

test('components read back by ecosystem, with npm scopes rejoined', () => {
  const doc = JSON.parse(serialiseSbom(cycloneDxDocument(subject, packages, debian))) as ReturnType<typeof cycloneDxDocument>;
  expect(componentsOf(doc, 'npm').map((c) => `${c.name}@${c.version}`)).toEqual(['@next/env@15.0.0', 'ms@2.1.3']);
  expect(componentsOf(doc, 'pypi')).toEqual([
    { name: 'FastAPI', version: '0.115.0', purl: 'pkg:pypi/fastapi@0.115.0', locations: ['/app/.venv/lib/python3.11/site-packages/fastapi-0.115.0.dist-info'] },
  ]);
  expect(componentsOf(doc, 'deb').map((c) => c.name)).toEqual(['libssl3', 'zlib1g']);
});

test('without an os-release, Debian packages still get a purl, with no distro', () => {
  expect(purl(packages[4]!)).toBe('pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64');
  expect(cycloneDxDocument(subject, packages).components[0]?.type).toBe('library');
});
