// The lock readers: which package versions the workspace installs, by ecosystem.
// package-lock.json is JSON (lockfileVersion 2 or 3, its `packages` map); uv.lock is TOML
// written by uv in a fixed layout, read here line by line (only `[[package]]` tables'
// own `name`, `version` and `source` keys are needed, and uv writes each on one line).
import { readFileSync } from 'node:fs';

/** Package name → the locked versions of it, both sorted. */
export type Inventory = Map<string, string[]>;

export class LockError extends Error {}

function add(inventory: Map<string, Set<string>>, name: string, version: string): void {
  const versions = inventory.get(name) ?? new Set<string>();
  versions.add(version);
  inventory.set(name, versions);
}

function sorted(inventory: Map<string, Set<string>>): Inventory {
  return new Map([...inventory.keys()].sort().map((name) => [name, [...(inventory.get(name) ?? [])].sort()]));
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new LockError(`${file}: cannot be read (${(error as Error).message})`);
  }
}

/**
 * Every installed package of a package-lock.json, as `npm audit` sends them: each entry under
 * `packages` but the root, links (workspace symlinks) and entries without a version, named by
 * its `name` field when it has one (an alias) or else by the path after its last `node_modules/`.
 */
export function readNpmLock(file: string): Inventory {
  let lock: unknown;
  try {
    lock = JSON.parse(read(file));
  } catch (error) {
    if (error instanceof LockError) throw error;
    throw new LockError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const packages = (lock as { packages?: unknown } | null)?.packages;
  if (typeof packages !== 'object' || packages === null || Array.isArray(packages)) {
    throw new LockError(`${file}: has no "packages" object (lockfileVersion 2 or 3 is needed; run npm install with npm 7 or later)`);
  }
  const inventory = new Map<string, Set<string>>();
  for (const [location, value] of Object.entries(packages as Record<string, unknown>)) {
    const marker = location.lastIndexOf('node_modules/');
    if (location === '' || marker < 0) continue; // the root and workspace folders
    const entry = (value ?? {}) as { name?: unknown; version?: unknown; link?: unknown };
    if (entry.link === true || typeof entry.version !== 'string' || entry.version === '') continue;
    const name = typeof entry.name === 'string' && entry.name !== '' ? entry.name : location.slice(marker + 'node_modules/'.length);
    add(inventory, name, entry.version);
  }
  return sorted(inventory);
}

/** PEP 503 normalisation, the form PyPI's URLs and advisories use. */
export function normalisePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function stringValue(line: string, key: string): string | undefined {
  const match = new RegExp(`^${key}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"\\s*$`).exec(line);
  return match?.[1];
}

/** The workspace's own packages: uv.lock marks them with a local source. */
const LOCAL_SOURCES = /^source\s*=\s*\{\s*(editable|virtual|directory|path)\s*=/;

export interface PythonLock {
  inventory: Inventory;
  /** The workspace's own packages (editable/virtual/directory/path sources), not audited. */
  skipped: string[];
}

/** Every `[[package]]` of a uv.lock with its version, except the workspace's own packages. */
export function readUvLock(file: string): PythonLock {
  const lines = read(file).split(/\r?\n/);
  const inventory = new Map<string, Set<string>>();
  const skipped: string[] = [];
  let current: { name?: string; version?: string; local: boolean; line: number } | undefined;
  let inPackageTable = false;
  const finish = (): void => {
    if (!current) return;
    if (!current.name) throw new LockError(`${file}:${current.line}: a [[package]] without a name`);
    if (current.local) skipped.push(current.name);
    else if (!current.version) throw new LockError(`${file}:${current.line}: package ${current.name} has no version`);
    else add(inventory, normalisePythonName(current.name), current.version);
    current = undefined;
  };
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inPackageTable = line === '[[package]]';
      if (inPackageTable) {
        finish();
        current = { local: false, line: index + 1 };
      }
      return;
    }
    // Keys of the package's own table come before its sub-tables ([package.metadata] …);
    // indented lines belong to multi-line arrays (dependencies, wheels).
    if (!inPackageTable || !current || raw.startsWith(' ')) return;
    current.name ??= stringValue(line, 'name');
    current.version ??= stringValue(line, 'version');
    if (LOCAL_SOURCES.test(line)) current.local = true;
  });
  finish();
  if (inventory.size === 0 && skipped.length === 0) throw new LockError(`${file}: no [[package]] tables found`);
  return { inventory: sorted(inventory), skipped: skipped.sort() };
}

export function countVersions(inventory: Inventory): number {
  let count = 0;
  for (const versions of inventory.values()) count += versions.length;
  return count;
}
