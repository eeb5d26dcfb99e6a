// What an image holds, read from its files (image-reader.ts takes them out of the image):
// which files to take (from the image's file list), and the parsers that turn them into
// packages: Python dist-info METADATA, npm package.json, the Debian manifest
// runtime-rootfs.sh writes, and /etc/os-release. Pure file reading, so tested on
// temporary directories.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FoundPackage, OperatingSystem } from './sbom';

/** Where runtime-rootfs.sh writes which Debian package each copied file came from. */
export const DEBIAN_MANIFEST = 'usr/share/todo/debian-packages.tsv';

const OS_RELEASE = ['etc/os-release', 'usr/lib/os-release'];

/** `…/site-packages/<dist>.dist-info/METADATA` */
const DIST_INFO = /(^|\/)site-packages\/[^/]+\.dist-info\/METADATA$/;
/** `…/node_modules/<name>/package.json` or `…/node_modules/@scope/<name>/package.json`: a
 * package's own manifest, not one deeper inside it (`dist/esm/package.json`). */
const PACKAGE_JSON = /(^|\/)node_modules\/(@[^/.][^/]*\/)?[^/.@][^/]*\/package\.json$/;

/** Paths in an image's file list (as `tar -t` prints them: relative, directories ending in
 * `/`) that are read for its SBOM. */
export function sbomSourceFiles(files: readonly string[]): string[] {
  return files.filter((file) => DIST_INFO.test(file) || PACKAGE_JSON.test(file) || file === DEBIAN_MANIFEST || OS_RELEASE.includes(file));
}

/** Name and Version from a core-metadata file (the RFC 822 headers before the first blank
 * line); null when either is missing. */
export function parseDistInfoMetadata(text: string): { name: string; version: string } | null {
  const headers = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (match && !headers.has(match[1]!.toLowerCase())) headers.set(match[1]!.toLowerCase(), match[2]!.trim());
  }
  const name = headers.get('name');
  const version = headers.get('version');
  return name && version ? { name, version } : null;
}

/** name and version from a package.json; null for one without both (or not JSON). */
export function parsePackageJson(text: string): { name: string; version: string } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { name, version } = value as Record<string, unknown>;
  return typeof name === 'string' && name && typeof version === 'string' && version ? { name, version } : null;
}

export interface DebianFile {
  /** absolute path in the image */
  path: string;
  name: string;
  version: string;
  arch: string;
}

/** The manifest's `path<TAB>package<TAB>version<TAB>arch` lines; a malformed line is an error
 * (the file is written by our own script, so it should never have one). */
export function parseDebianManifest(text: string, source = DEBIAN_MANIFEST): DebianFile[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const [file, name, version, arch, ...rest] = line.split('\t');
      if (!file?.startsWith('/') || !name || !version || !arch || rest.length) {
        throw new Error(`${source}:${index + 1}: expected path, package, version, arch separated by tabs, found ${JSON.stringify(line)}`);
      }
      return { path: file, name, version, arch };
    });
}

/** ID, VERSION_ID and PRETTY_NAME from os-release; null without ID or VERSION_ID. */
export function parseOsRelease(text: string): OperatingSystem | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) fields.set(match[1]!, match[2]!.replace(/^(["'])(.*)\1$/, '$2'));
  }
  const id = fields.get('ID');
  const versionId = fields.get('VERSION_ID');
  if (!id || !versionId) return null;
  const prettyName = fields.get('PRETTY_NAME');
  return { id, versionId, ...(prettyName ? { prettyName } : {}) };
}

export interface ImageContents {
  packages: FoundPackage[];
  os?: OperatingSystem;
  /** files that looked like package manifests but named no package and version */
  skipped: string[];
}

/**
 * The packages in an image whose SBOM source files (sbomSourceFiles) were extracted under
 * `dir`, `files` being the image's whole file list. A Debian package counts only when a file
 * the manifest credits to it is really in the image: a file the Dockerfile removed after
 * runtime-rootfs.sh ran does not bring its package in.
 */
export function readImageContents(dir: string, files: readonly string[]): ImageContents {
  const packages: FoundPackage[] = [];
  const skipped: string[] = [];
  // A manifest that is a symlink to a file not taken out of the image reads as nothing.
  const read = (file: string) => {
    try {
      return readFileSync(path.join(dir, file), 'utf8');
    } catch {
      return '';
    }
  };
  const present = new Set(files.map((file) => `/${file.replace(/\/$/, '')}`));
  for (const file of sbomSourceFiles(files)) {
    if (DIST_INFO.test(file)) {
      const found = parseDistInfoMetadata(read(file));
      if (found) packages.push({ ecosystem: 'pypi', ...found, locations: [`/${path.posix.dirname(file)}`] });
      else skipped.push(file);
    } else if (PACKAGE_JSON.test(file)) {
      const found = parsePackageJson(read(file));
      if (found) packages.push({ ecosystem: 'npm', ...found, locations: [`/${path.posix.dirname(file)}`] });
      else skipped.push(file);
    }
  }
  if (files.includes(DEBIAN_MANIFEST) && existsSync(path.join(dir, DEBIAN_MANIFEST))) {
    for (const entry of parseDebianManifest(read(DEBIAN_MANIFEST))) {
      if (!present.has(entry.path)) continue;
      packages.push({ ecosystem: 'deb', name: entry.name, version: entry.version, arch: entry.arch, locations: [entry.path] });
    }
  }
  const osFile = OS_RELEASE.find((file) => files.includes(file) && existsSync(path.join(dir, file)));
  const os = osFile ? parseOsRelease(read(osFile)) : null;
  return { packages, ...(os ? { os } : {}), skipped };
}
