// Python advisories, asked the way pip-audit's PyPI service asks: GET
// <pypi>/pypi/<name>/<version>/json per locked version, its `vulnerabilities` list
// ({ id, aliases, summary, details, fixed_in, link, withdrawn }). PyPI gives no severity, so
// every advisory found counts (the policy fails on it unless allow-listed); withdrawn ones
// are listed and never counted. A few requests at a time; a timeout or a refused connection
// stops the rest (they would fail alike), an HTTP error does not (it may be that package's).
import { isConnectionFailure, joinUrl, mapLimited, requestJson, type Failure, type Outcome } from './http';
import { countVersions, type Inventory } from './locks';
import { summariseFailures, type Finding, type SourceResult } from './model';

export const DEFAULT_PYPI_URL = 'https://pypi.org';

export interface PypiSourceOptions {
  pypiUrl: string;
  timeoutMs: number;
  concurrency?: number;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

interface Parsed {
  findings: Finding[];
  withdrawn: Finding[];
}

/** Checks one `/pypi/<name>/<version>/json` answer and reads its `vulnerabilities`. */
export function parseVersionAnswer(body: unknown, name: string, version: string): { ok: true; value: Parsed } | { ok: false; problem: string } {
  const vulnerabilities = (body as { vulnerabilities?: unknown } | null)?.vulnerabilities;
  if (!Array.isArray(vulnerabilities)) return { ok: false, problem: 'no "vulnerabilities" list' };
  const parsed: Parsed = { findings: [], withdrawn: [] };
  for (const raw of vulnerabilities as unknown[]) {
    const v = (raw ?? {}) as Record<string, unknown>;
    if (typeof v.id !== 'string' || v.id === '') return { ok: false, problem: 'an entry of "vulnerabilities" has no id' };
    const summary = typeof v.summary === 'string' && v.summary !== '' ? v.summary : typeof v.details === 'string' ? v.details.split('\n')[0] ?? '' : '';
    const finding: Finding = {
      ecosystem: 'pypi',
      package: name,
      versions: [version],
      id: v.id,
      aliases: strings(v.aliases),
      title: summary || '(no summary)',
      severity: 'unknown',
      fixedIn: strings(v.fixed_in),
      ...(typeof v.link === 'string' ? { url: v.link } : {}),
    };
    (v.withdrawn === null || v.withdrawn === undefined ? parsed.findings : parsed.withdrawn).push(finding);
  }
  return { ok: true, value: parsed };
}

export async function auditPypi(inventory: Inventory, options: PypiSourceOptions): Promise<SourceResult> {
  const pairs = [...inventory.entries()].flatMap(([name, versions]) => versions.map((version) => ({ name, version })));
  const urlOf = (name: string, version: string): string =>
    joinUrl(options.pypiUrl, `pypi/${encodeURIComponent(name)}/${encodeURIComponent(version)}/json`);
  let stopped = false;
  const outcomes = await mapLimited(
    pairs,
    options.concurrency ?? 8,
    async ({ name, version }): Promise<Outcome<Parsed>> => {
      const url = urlOf(name, version);
      const answer = await requestJson(url, { headers: { accept: 'application/json' } }, options.timeoutMs);
      if (!answer.ok) {
        if (isConnectionFailure(answer.failure)) stopped = true;
        return answer;
      }
      const parsed = parseVersionAnswer(answer.value, name, version);
      return parsed.ok ? parsed : { ok: false, failure: { kind: 'body', url, problem: parsed.problem } };
    },
    () => stopped,
  );
  const failures: Failure[] = [];
  const result: SourceResult = {
    ecosystem: 'pypi',
    label: 'PyPI advisories',
    endpoint: urlOf('<name>', '<version>').replace(/%3C(name|version)%3E/g, '<$1>'),
    status: 'audited',
    packages: inventory.size,
    versions: countVersions(inventory),
    answered: 0,
    findings: [],
    withdrawn: [],
  };
  let unsent = 0;
  for (const outcome of outcomes) {
    if (outcome === undefined) unsent += 1;
    else if (outcome.ok) {
      result.answered += 1;
      result.findings.push(...outcome.value.findings);
      result.withdrawn.push(...outcome.value.withdrawn);
    } else failures.push(outcome.failure);
  }
  if (failures.length > 0) {
    result.status = 'unreachable';
    const notSent = unsent > 0 ? `; the other ${unsent} not sent after it` : '';
    result.reason = `${summariseFailures(failures, pairs.length, 'package versions')}${notSent}`;
  }
  return result;
}
