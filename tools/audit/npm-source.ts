// npm advisories, asked the way `npm audit` asks (@npmcli/arborist's audit-report.js through
// npm-registry-fetch): POST <registry>/-/npm/v1/security/advisories/bulk, a gzipped JSON body
// { "<name>": ["<version>", …] } (content-type application/json, content-encoding gzip), the
// answer { "<name>": [{ id, url, title, severity, vulnerable_versions, … }] } listing only the
// packages with advisories. Sent in chunks of names, a few at a time.
import { gzipSync } from 'node:zlib';
import { isConnectionFailure, joinUrl, mapLimited, requestJson, type Failure, type Outcome } from './http';
import { countVersions, type Inventory } from './locks';
import { summariseFailures, type Finding, type Severity, type SourceResult } from './model';

export const NPM_BULK_PATH = '/-/npm/v1/security/advisories/bulk';
export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org/';

export interface NpmSourceOptions {
  registry: string;
  timeoutMs: number;
  /** Package names per request (npm itself sends all in one; chunks bound each request). */
  chunkSize?: number;
  concurrency?: number;
}

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'moderate', 'low', 'info'];

/** Checks the bulk answer's shape and turns each advisory into a finding. */
export function parseBulkAnswer(body: unknown, sent: Inventory): { ok: true; value: Finding[] } | { ok: false; problem: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problem: 'the answer is not an object of package names' };
  }
  const findings: Finding[] = [];
  for (const [name, advisories] of Object.entries(body as Record<string, unknown>)) {
    if (!Array.isArray(advisories)) return { ok: false, problem: `"${name}" is not a list of advisories` };
    for (const raw of advisories as unknown[]) {
      const advisory = (raw ?? {}) as Record<string, unknown>;
      if (typeof advisory.id !== 'number' && typeof advisory.id !== 'string') {
        return { ok: false, problem: `an advisory for "${name}" has no id` };
      }
      const url = typeof advisory.url === 'string' ? advisory.url : undefined;
      const ghsa = url ? /\b(GHSA(?:-[0-9a-z]{4}){3})\b/i.exec(url)?.[1] : undefined;
      const severity = SEVERITIES.find((s) => s === advisory.severity) ?? 'unknown';
      findings.push({
        ecosystem: 'npm',
        package: name,
        versions: sent.get(name) ?? [],
        id: String(advisory.id),
        aliases: ghsa ? [ghsa] : [],
        title: typeof advisory.title === 'string' ? advisory.title : '(no title)',
        severity,
        ...(url ? { url } : {}),
        ...(typeof advisory.vulnerable_versions === 'string' ? { vulnerableVersions: advisory.vulnerable_versions } : {}),
      });
    }
  }
  return { ok: true, value: findings };
}

function chunks(inventory: Inventory, size: number): Inventory[] {
  const names = [...inventory.keys()];
  const result: Inventory[] = [];
  for (let i = 0; i < names.length; i += size) {
    result.push(new Map(names.slice(i, i + size).map((name) => [name, inventory.get(name) ?? []])));
  }
  return result;
}

export async function auditNpm(inventory: Inventory, options: NpmSourceOptions): Promise<SourceResult> {
  const endpoint = joinUrl(options.registry, NPM_BULK_PATH);
  const parts = chunks(inventory, options.chunkSize ?? 250);
  let stopped = false;
  const outcomes = await mapLimited(
    parts,
    options.concurrency ?? 4,
    async (part): Promise<Outcome<Finding[]>> => {
      const body = gzipSync(JSON.stringify(Object.fromEntries(part)));
      const answer = await requestJson(
        endpoint,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', accept: 'application/json' },
          body,
        },
        options.timeoutMs,
      );
      if (!answer.ok) {
        if (isConnectionFailure(answer.failure)) stopped = true;
        return answer;
      }
      const parsed = parseBulkAnswer(answer.value, part);
      if (parsed.ok) return parsed;
      return { ok: false, failure: { kind: 'body', url: endpoint, problem: parsed.problem } };
    },
    () => stopped,
  );
  const failures: Failure[] = [];
  const findings: Finding[] = [];
  let answered = 0;
  let unsent = 0;
  outcomes.forEach((outcome, index) => {
    const part = parts[index] ?? new Map();
    if (outcome === undefined) unsent += 1;
    else if (outcome.ok) {
      findings.push(...outcome.value);
      answered += countVersions(part);
    } else failures.push(outcome.failure);
  });
  const result: SourceResult = {
    ecosystem: 'npm',
    label: 'npm advisories',
    endpoint,
    status: failures.length === 0 ? 'audited' : 'unreachable',
    packages: inventory.size,
    versions: countVersions(inventory),
    answered,
    findings,
    withdrawn: [],
  };
  if (failures.length > 0) {
    const notSent = unsent > 0 ? `; ${unsent} more not sent after it` : '';
    result.reason = `${summariseFailures(failures, parts.length, parts.length === 1 ? 'request' : 'requests')}${notSent}`;
  }
  return result;
}
