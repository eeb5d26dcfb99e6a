// What the run prints and what it writes to reports/security/audit.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeEntry, type AllowEntry } from './allowlist';
import type { Finding } from './model';
import type { Judged, Verdict } from './policy';

export const PYPI_SEVERITY_NOTE =
  'PyPI advisories carry no severity: every Python advisory not withdrawn fails unless allow-listed.';

function versions(finding: Finding): string {
  return finding.versions.join(', ');
}

function findingLine(prefix: string, finding: Judged): string {
  const aliases = finding.aliases.length > 0 ? ` (${finding.aliases.join(', ')})` : '';
  const range = finding.vulnerableVersions ? `; affected ${finding.vulnerableVersions}` : '';
  const fixed = finding.fixedIn && finding.fixedIn.length > 0 ? `; fixed in ${finding.fixedIn.join(', ')}` : '';
  const url = finding.url ? ` ${finding.url}` : '';
  return `  ${prefix} ${finding.ecosystem} ${finding.package} ${versions(finding)}: ${finding.id}${aliases} [${finding.severity}] ${finding.title}${range}${fixed}${url}`;
}

/** The summary: one line a CI log reader can act on. */
export function summaryLine(verdict: Verdict): string {
  const audited = verdict.sources.filter((s) => s.source.status === 'audited').map((s) => s.source.label);
  const failing = verdict.sources.reduce((n, s) => n + s.findings.length, 0);
  const accepted = verdict.sources.reduce((n, s) => n + s.allowListed.length, 0);
  const parts = [
    `audited: ${audited.length > 0 ? audited.join(', ') : 'none'}`,
    `NOT AUDITED: ${verdict.unreachable.length > 0 ? verdict.unreachable.map((s) => s.label).join(', ') : 'none'}`,
    `${failing} failing finding${failing === 1 ? '' : 's'}`,
    `${accepted} allow-listed`,
    `${verdict.expired.length} expired allow-list entr${verdict.expired.length === 1 ? 'y' : 'ies'}`,
  ];
  return `audit: ${parts.join('; ')} → exit ${verdict.exitCode}`;
}

export interface RunContext {
  npmLock: string;
  uvLock: string;
  allowlist: string;
  report: string;
  requireSources: boolean;
  skippedPython: string[];
  today: string;
}

export function renderText(verdict: Verdict, context: RunContext): string[] {
  const lines: string[] = [];
  for (const { source } of verdict.sources) {
    const lock = source.ecosystem === 'npm' ? context.npmLock : context.uvLock;
    const skipped =
      source.ecosystem === 'pypi' && context.skippedPython.length > 0
        ? `; the workspace's own ${context.skippedPython.join(', ')} skipped`
        : '';
    lines.push(`${source.label}: ${source.packages} packages, ${source.versions} versions from ${lock}${skipped} → ${source.endpoint}`);
  }
  for (const source of verdict.unreachable) {
    const partial = source.answered > 0 ? ` [${source.answered} of ${source.versions} versions were answered; their findings are below]` : '';
    lines.push(`NOT AUDITED: ${source.label} — ${source.reason ?? 'no answer'}${partial}`);
  }
  lines.push(`Note: ${PYPI_SEVERITY_NOTE}`);
  lines.push(`allow-list ${context.allowlist}: ${verdict.entries.length} entr${verdict.entries.length === 1 ? 'y' : 'ies'}`);
  for (const verdictOf of verdict.sources) {
    for (const finding of verdictOf.findings) {
      lines.push(findingLine('FAIL', finding));
      if (finding.expiredEntry) lines.push(`       its allow-list entry ${describeEntry(finding.expiredEntry)} has expired`);
    }
    for (const finding of verdictOf.allowListed) {
      lines.push(findingLine('allow-listed', finding));
      if (finding.allowedBy) lines.push(`       by ${describeEntry(finding.allowedBy)}: ${finding.allowedBy.reason}`);
    }
    for (const finding of verdictOf.belowThreshold) lines.push(findingLine('pass (below high)', finding));
    for (const finding of verdictOf.source.withdrawn) {
      lines.push(`  ignored (withdrawn) ${finding.ecosystem} ${finding.package} ${versions(finding)}: ${finding.id}`);
    }
  }
  for (const sentence of verdict.tooLong) lines.push(`TOO LONG: ${sentence}`);
  for (const entry of verdict.expired) {
    lines.push(`EXPIRED allow-list entry in ${context.allowlist}: ${describeEntry(entry)} — renew it with a new reason or remove it`);
  }
  if (verdict.unused) {
    for (const entry of verdict.unused) lines.push(`unused allow-list entry: ${describeEntry(entry)} matched no finding; remove it`);
  } else if (verdict.entries.length > 0) {
    lines.push('unused allow-list entries: cannot tell, not every source was audited');
  }
  lines.push(summaryLine(verdict));
  if (verdict.exitCode === 0 && verdict.unreachable.length > 0) {
    lines.push('Exit 0 although not everything was audited: pass --require-sources to fail (exit 2) when a source cannot be reached.');
  } else if (verdict.exitCode === 2) {
    lines.push('Exit 2: --require-sources was given and a source was not audited.');
  }
  lines.push(`report: ${context.report}`);
  return lines;
}

function entryJson(entry: AllowEntry): Omit<AllowEntry, 'index'> & { entry: number } {
  return { entry: entry.index, id: entry.id, package: entry.package, reason: entry.reason, expires: entry.expires };
}

function findingJson(finding: Judged): Record<string, unknown> {
  const { allowedBy, expiredEntry, ...rest } = finding;
  return {
    ...rest,
    ...(allowedBy ? { allowedBy: entryJson(allowedBy) } : {}),
    ...(expiredEntry ? { expiredEntry: entryJson(expiredEntry) } : {}),
  };
}

export function reportJson(verdict: Verdict, context: RunContext): Record<string, unknown> {
  const sources: Record<string, unknown> = {};
  for (const v of verdict.sources) {
    const { source } = v;
    sources[source.ecosystem] = {
      label: source.label,
      status: source.status,
      ...(source.reason ? { reason: source.reason } : {}),
      endpoint: source.endpoint,
      lockfile: source.ecosystem === 'npm' ? context.npmLock : context.uvLock,
      packages: source.packages,
      versions: source.versions,
      answered: source.answered,
      ...(source.ecosystem === 'pypi'
        ? { skipped: context.skippedPython, severityNote: PYPI_SEVERITY_NOTE }
        : { failingSeverities: ['critical', 'high', 'unknown'] }),
      findings: v.findings.map(findingJson),
      allowListed: v.allowListed.map(findingJson),
      belowThreshold: v.belowThreshold.map(findingJson),
      withdrawn: source.withdrawn,
      expired: v.expired.map(entryJson),
    };
  }
  return {
    date: context.today,
    exitCode: verdict.exitCode,
    requireSources: context.requireSources,
    summary: summaryLine(verdict),
    failures: verdict.failures,
    notAudited: verdict.unreachable.map((s) => `NOT AUDITED: ${s.label} — ${s.reason ?? 'no answer'}`),
    sources,
    allowlist: {
      file: context.allowlist,
      entries: verdict.entries.length,
      expired: verdict.expired.map(entryJson),
      unused: verdict.unused ? verdict.unused.map(entryJson) : 'unknown: not every source was audited',
    },
  };
}

export function writeReport(file: string, json: Record<string, unknown>): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}
