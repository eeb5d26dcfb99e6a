// What the sources hand to the policy and the report: advisories found for locked packages,
// and per source whether it was audited at all.
import { describeFailure, type Failure } from './http';

export type Ecosystem = 'npm' | 'pypi';

/** npm's severities, plus `unknown` for PyPI (which has none) and for an npm answer without one. */
export type Severity = 'critical' | 'high' | 'moderate' | 'low' | 'info' | 'unknown';

export interface Finding {
  ecosystem: Ecosystem;
  package: string;
  /** The locked versions the advisory was reported for. */
  versions: string[];
  /** npm: the advisory's numeric id; PyPI: its PYSEC-/GHSA- id. */
  id: string;
  /** Other names of the same advisory (GHSA and CVE ids): an allow-list entry may use any. */
  aliases: string[];
  title: string;
  severity: Severity;
  url?: string;
  /** npm: the affected range as the advisory states it. */
  vulnerableVersions?: string;
  /** PyPI: the versions that fix it. */
  fixedIn?: string[];
}

export interface SourceResult {
  ecosystem: Ecosystem;
  /** "npm advisories" / "PyPI advisories", as the NOT AUDITED line names it. */
  label: string;
  /** The endpoint queried (a template for per-package URLs). */
  endpoint: string;
  status: 'audited' | 'unreachable';
  /** Why not audited: what the endpoint answered, or that it did not answer. */
  reason?: string;
  /** Package names and name@version pairs in the lock file, and pairs answered for. */
  packages: number;
  versions: number;
  answered: number;
  findings: Finding[];
  /** Advisories the source marks withdrawn: listed, never counted. */
  withdrawn: Finding[];
}

/**
 * One sentence for a source whose requests failed: the first failure as its URL's answer,
 * then how many requests it stands for, so "answered HTTP 405" and "timed out" stay apart.
 */
export function summariseFailures(failures: readonly Failure[], total: number, unit: string): string {
  const first = failures[0];
  if (!first) return '';
  if (total === 1) return describeFailure(first);
  const kinds = new Map<string, number>();
  for (const failure of failures) {
    const key = failure.kind === 'status' ? `HTTP ${failure.status}` : failure.kind;
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
  }
  const scope = failures.length === total ? `all ${total} ${unit}` : `${failures.length} of ${total} ${unit}`;
  if (kinds.size === 1) return `${describeFailure(first)} (the same for ${scope})`;
  const parts = [...kinds.entries()].map(([kind, count]) => `${count} ${kind}`).join(', ');
  return `${describeFailure(first)} (${scope} failed: ${parts})`;
}
