// The CycloneDX 1.5 JSON SBOM docker-build writes next to each image report
// (dist/images/<image>.cdx.json), built from the packages found in the image (image-contents.ts).
// Deterministic: no timestamp, components and their locations sorted, the serial number derived
// from the content, so the same image contents give the same bytes and the same digest label.
import { createHash } from 'node:crypto';

/** The label the deployed image carries: `sha256:<hex>` of the SBOM file's bytes. */
export const SBOM_DIGEST_LABEL = 'org.todo.sbom.digest';

export type Ecosystem = 'pypi' | 'npm' | 'deb';

/** One package found in the image, with where (absolute paths in the image) it was found. */
export interface FoundPackage {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  /** Debian architecture (amd64, all); deb only */
  arch?: string;
  locations: string[];
}

/** The operating system the Debian packages come from, from the image's /etc/os-release. */
export interface OperatingSystem {
  /** ID, e.g. debian */
  id: string;
  /** VERSION_ID, e.g. 12 */
  versionId: string;
  /** PRETTY_NAME, e.g. Debian GNU/Linux 12 (bookworm) */
  prettyName?: string;
}

/** What the SBOM describes: the image by name and content tag (the id is not known until the
 * digest label is added, so it cannot be inside). */
export interface SbomSubject {
  image: string;
  tag: string;
}

export interface CycloneDxComponent {
  type: 'library' | 'operating-system' | 'container' | 'application';
  'bom-ref': string;
  name: string;
  version: string;
  group?: string;
  purl?: string;
  description?: string;
  properties?: { name: string; value: string }[];
  evidence?: { occurrences: { location: string }[] };
}

export interface CycloneDxDocument {
  bomFormat: 'CycloneDX';
  specVersion: '1.5';
  serialNumber: string;
  version: 1;
  metadata: {
    tools: { components: CycloneDxComponent[] };
    component: CycloneDxComponent;
  };
  components: CycloneDxComponent[];
}

/** Percent-encoding as the purl spec asks: everything but A-Z a-z 0-9 . - _ ~ is encoded
 * (a Debian epoch's `:` and a `+` included). */
export function purlEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** PEP 503 normalised name: lower case, runs of `-`, `_` and `.` as one `-`. */
export function normalisePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The package URL of a found package; `os` gives deb packages their namespace and distro. */
export function purl(pkg: FoundPackage, os?: OperatingSystem): string {
  const version = purlEncode(pkg.version);
  switch (pkg.ecosystem) {
    case 'pypi':
      return `pkg:pypi/${purlEncode(normalisePythonName(pkg.name))}@${version}`;
    case 'npm': {
      const scoped = /^(@[^/]+)\/(.+)$/.exec(pkg.name);
      const name = scoped ? `${purlEncode(scoped[1]!)}/${purlEncode(scoped[2]!)}` : purlEncode(pkg.name);
      return `pkg:npm/${name}@${version}`;
    }
    case 'deb': {
      const qualifiers = [
        ...(pkg.arch ? [`arch=${purlEncode(pkg.arch)}`] : []),
        ...(os ? [`distro=${purlEncode(`${os.id}-${os.versionId}`)}`] : []),
      ];
      return `pkg:deb/${purlEncode(os?.id ?? 'debian')}/${purlEncode(pkg.name)}@${version}${qualifiers.length ? `?${qualifiers.join('&')}` : ''}`;
    }
  }
}

function component(pkg: FoundPackage, os?: OperatingSystem): CycloneDxComponent {
  const ref = purl(pkg, os);
  const scoped = pkg.ecosystem === 'npm' ? /^(@[^/]+)\/(.+)$/.exec(pkg.name) : null;
  return {
    type: 'library',
    'bom-ref': ref,
    ...(scoped ? { group: scoped[1]!, name: scoped[2]! } : { name: pkg.name }),
    version: pkg.version,
    purl: ref,
    properties: [
      { name: 'todo:ecosystem', value: pkg.ecosystem },
      ...(pkg.arch ? [{ name: 'todo:deb:arch', value: pkg.arch }] : []),
    ],
    evidence: { occurrences: [...new Set(pkg.locations)].sort().map((location) => ({ location })) },
  };
}

/** Packages of the same purl (an npm package nested twice at one version) as one, their
 * locations together. */
export function mergePackages(packages: FoundPackage[], os?: OperatingSystem): FoundPackage[] {
  const byPurl = new Map<string, FoundPackage>();
  for (const pkg of packages) {
    const key = purl(pkg, os);
    const seen = byPurl.get(key);
    if (seen) seen.locations = [...seen.locations, ...pkg.locations];
    else byPurl.set(key, { ...pkg, locations: [...pkg.locations] });
  }
  return [...byPurl.values()];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A UUID (version 5 layout) from a digest of the document's content, so the serial number
 * names this content and changes only with it. */
function serialFor(content: string): string {
  const hex = createHash('sha256').update(content).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The CycloneDX 1.5 document for an image and the packages found in it. */
export function cycloneDxDocument(subject: SbomSubject, packages: FoundPackage[], os?: OperatingSystem): CycloneDxDocument {
  const components = mergePackages(packages, os)
    .map((pkg) => component(pkg, os))
    .sort((a, b) => compare(a['bom-ref'], b['bom-ref']));
  if (os) {
    components.unshift({
      type: 'operating-system',
      'bom-ref': `os:${os.id}@${os.versionId}`,
      name: os.id,
      version: os.versionId,
      ...(os.prettyName ? { description: os.prettyName } : {}),
    });
  }
  const metadata: CycloneDxDocument['metadata'] = {
    tools: { components: [{ type: 'application', 'bom-ref': 'tool:@todo/images', name: '@todo/images docker-build', version: '1' }] },
    component: { type: 'container', 'bom-ref': `${subject.image}:${subject.tag}`, name: subject.image, version: subject.tag },
  };
  const serialNumber = serialFor(JSON.stringify({ metadata, components }));
  return { bomFormat: 'CycloneDX', specVersion: '1.5', serialNumber, version: 1, metadata, components };
}

/** The file's text: indented JSON with a final newline. */
export function serialiseSbom(document: CycloneDxDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** `sha256:<hex>` of the file's bytes, the label's value. */
export function sbomDigest(text: string | Buffer): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** The name and version of every component of one ecosystem, from a parsed SBOM (what the
 * CI check reads back). */
export function componentsOf(document: CycloneDxDocument, ecosystem: Ecosystem): { name: string; version: string; purl: string; locations: string[] }[] {
  return document.components
    .filter((c) => c.purl?.startsWith(`pkg:${ecosystem}/`))
    .map((c) => ({
      name: c.group ? `${c.group}/${c.name}` : c.name,
      version: c.version,
      purl: c.purl!,
      locations: (c.evidence?.occurrences ?? []).map((o) => o.location),
    }));
}
