// The policy: which findings fail the target, which the allow-list accepts, and the exit code.
//   npm:  high and critical fail (and `unknown`: an answer without a severity is not waved
//         through); moderate, low and info are reported and pass.
//   PyPI: no severity is given, so every advisory not withdrawn fails.
//   A failing finding passes only with an allow-list entry that has not expired. Expired
//   entries fail the run whether or not they still match anything.
//   Exit 1: failing findings or expired entries; else exit 2 when --require-sources and a
//   source was not audited; else 0.
import { describeEntry, entryMatches, isExpired, type AllowEntry } from './allowlist';
import type { Finding, Severity, SourceResult } from './model';

const FAILING_NPM: readonly Severity[] = ['critical', 'high', 'unknown'];
/** The longest an allow-list entry may accept an advisory for, counted from the run's day. */
export const MAX_ACCEPTANCE_DAYS = 180;

export function failsBySeverity(finding: Finding): boolean {
  return finding.ecosystem === 'pypi' || FAILING_NPM.includes(finding.severity);
}

export interface Judged extends Finding {
  /** Would fail the target without an allow-list entry. */
  failing: boolean;
  /** The entry that accepts it (not expired). */
  allowedBy?: AllowEntry;
  /** An expired entry that would have accepted it. */
  expiredEntry?: AllowEntry;
}

export interface SourceVerdict {
  source: SourceResult;
  /** Failing and not accepted: these fail the run. */
  findings: Judged[];
  /** Accepted by an allow-list entry (failing or not). */
  allowListed: Judged[];
  /** Below the threshold (npm moderate/low/info) and not allow-listed: reported, passing. */
  belowThreshold: Judged[];
  /** Expired allow-list entries matching this source's findings. */
  expired: AllowEntry[];
}

export interface Verdict {
  sources: SourceVerdict[];
  entries: AllowEntry[];
  expired: AllowEntry[];
  /** Entries that matched no finding; undefined when a source was not audited (cannot tell). */
  unused?: AllowEntry[];
  unreachable: SourceResult[];
  exitCode: 0 | 1 | 2;
  failures: string[];
  /** Entries that accept an advisory for longer than MAX_ACCEPTANCE_DAYS, as sentences. */
  tooLong: string[];
}

export function judge(results: SourceResult[], entries: AllowEntry[], today: string, requireSources: boolean): Verdict {
  const used = new Set<AllowEntry>();
  const sources = results.map((source): SourceVerdict => {
    const verdict: SourceVerdict = { source, findings: [], allowListed: [], belowThreshold: [], expired: [] };
    for (const finding of source.findings) {
      const matching = entries.filter((entry) => entryMatches(entry, finding));
      matching.forEach((entry) => used.add(entry));
      const valid = matching.find((entry) => !isExpired(entry, today));
      const expired = matching.find((entry) => isExpired(entry, today));
      const judged: Judged = {
        ...finding,
        failing: failsBySeverity(finding),
        ...(valid ? { allowedBy: valid } : {}),
        ...(expired && !valid ? { expiredEntry: expired } : {}),
      };
      if (valid) verdict.allowListed.push(judged);
      else if (judged.failing) verdict.findings.push(judged);
      else verdict.belowThreshold.push(judged);
      if (expired && !verdict.expired.includes(expired)) verdict.expired.push(expired);
    }
    return verdict;
  });
  const expired = entries.filter((entry) => isExpired(entry, today));
  const unreachable = results.filter((source) => source.status !== 'audited');
  const failures: string[] = [];
  for (const verdict of sources) {
    for (const finding of verdict.findings) {
      const note = finding.expiredEntry ? ` (its allow-list entry expired ${finding.expiredEntry.expires})` : '';
      failures.push(`${finding.ecosystem} ${finding.package}: ${finding.id} ${finding.severity}${note}`);
    }
  }
  for (const entry of expired) failures.push(`expired allow-list entry ${describeEntry(entry)}`);
  // An acceptance is reviewed at least twice a year: no entry may run further ahead than that.
  const latest = new Date(Date.parse(`${today}T00:00:00Z`) + MAX_ACCEPTANCE_DAYS * 86_400_000).toISOString().slice(0, 10);
  const tooLong = entries
    .filter((e) => e.expires > latest)
    .map((entry) => `allow-list entry ${describeEntry(entry)} runs past ${latest}: accept an advisory for at most ${MAX_ACCEPTANCE_DAYS} days, then review it`);
  failures.push(...tooLong);
  const exitCode = failures.length > 0 ? 1 : requireSources && unreachable.length > 0 ? 2 : 0;
  return {
    sources,
    entries,
    expired,
    ...(unreachable.length === 0 ? { unused: entries.filter((entry) => !used.has(entry)) } : {}),
    unreachable,
    exitCode,
    failures,
    tooLong,
  };
}
