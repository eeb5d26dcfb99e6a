// The one allow-list file: accepted advisories, each with a reason and an expiry date.
//
//   {
//     "//": "optional comment",
//     "entries": [
//       { "id": "GHSA-xxxx-xxxx-xxxx", "package": "lodash", "reason": "why it is accepted", "expires": "2027-03-31" }
//     ]
//   }
//
// `id` is the advisory's id or any alias (npm's numeric id, a GHSA, PYSEC or CVE id); `package`
// its package name (npm, or PyPI's name in any spelling); `expires` an ISO date (YYYY-MM-DD),
// the last day the entry counts. Anything else in the file is refused, naming the file.
import { readFileSync } from 'node:fs';
import { normalisePythonName } from './locks';

export interface AllowEntry {
  id: string;
  package: string;
  reason: string;
  expires: string;
  /** Position in `entries`, for messages. */
  index: number;
}

export class AllowlistError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`allow-list ${file} is malformed: ${problem}`);
  }
}

const ENTRY_KEYS = ['id', 'package', 'reason', 'expires'] as const;

/** A real calendar date written as YYYY-MM-DD (not 2027-02-30). */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function parseAllowlist(file: string, text: string): AllowEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AllowlistError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new AllowlistError(file, 'the top level must be an object with an "entries" list');
  }
  for (const key of Object.keys(json)) {
    if (key !== 'entries' && key !== '//') throw new AllowlistError(file, `unknown top-level key "${key}" (only "entries" and "//")`);
  }
  const entries = (json as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) throw new AllowlistError(file, '"entries" must be a list');
  const seen = new Set<string>();
  return entries.map((raw: unknown, index): AllowEntry => {
    const where = `entries[${index}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new AllowlistError(file, `${where} is not an object`);
    const entry = raw as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!(ENTRY_KEYS as readonly string[]).includes(key)) {
        throw new AllowlistError(file, `${where} has an unknown key "${key}" (allowed: ${ENTRY_KEYS.join(', ')})`);
      }
    }
    for (const key of ENTRY_KEYS) {
      const value = entry[key];
      if (typeof value !== 'string' || value.trim() === '') throw new AllowlistError(file, `${where}.${key} is missing or empty`);
    }
    const { id, package: name, reason, expires } = entry as Record<(typeof ENTRY_KEYS)[number], string>;
    if (!isIsoDate(expires)) throw new AllowlistError(file, `${where}.expires "${expires}" is not an ISO date (YYYY-MM-DD)`);
    const key = `${id.toLowerCase()} ${name}`;
    if (seen.has(key)) throw new AllowlistError(file, `${where} repeats id ${id} for package ${name}`);
    seen.add(key);
    return { id: id.trim(), package: name.trim(), reason, expires, index };
  });
}

export function readAllowlist(file: string): AllowEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AllowlistError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseAllowlist(file, text);
}

/** Expired when `today` (YYYY-MM-DD, UTC) is after the entry's last day. */
export function isExpired(entry: AllowEntry, today: string): boolean {
  return entry.expires < today;
}

export function describeEntry(entry: AllowEntry): string {
  return `entries[${entry.index}] ${entry.id} for ${entry.package} (expires ${entry.expires})`;
}

/** Same package (PyPI names compared normalised) and the advisory's id or one of its aliases. */
export function entryMatches(
  entry: AllowEntry,
  finding: { ecosystem: 'npm' | 'pypi'; package: string; id: string; aliases: string[] },
): boolean {
  const samePackage =
    finding.ecosystem === 'pypi'
      ? normalisePythonName(entry.package) === normalisePythonName(finding.package)
      : entry.package === finding.package;
  const id = entry.id.toLowerCase();
  return samePackage && [finding.id, ...finding.aliases].some((candidate) => candidate.toLowerCase() === id);
}
