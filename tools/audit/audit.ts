// One audit run: the allow-list first (a malformed one is refused before any request), then
// both lock files, both sources at once, the policy, the printed lines and the JSON report.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AllowlistError, readAllowlist } from './allowlist';
import { LockError, readNpmLock, readUvLock } from './locks';
import { auditNpm, DEFAULT_NPM_REGISTRY } from './npm-source';
import { judge } from './policy';
import { auditPypi, DEFAULT_PYPI_URL } from './pypi-source';
import { renderText, reportJson, writeReport, type RunContext } from './report';

export interface AuditOptions {
  /** Relative paths below are resolved against it (the workspace root under Nx). */
  root: string;
  npmLock: string;
  uvLock: string;
  allowlist: string;
  report: string;
  npmRegistry: string;
  pypiUrl: string;
  timeoutMs: number;
  requireSources: boolean;
  /** YYYY-MM-DD (UTC) to judge expiry against; today by default. */
  today?: string;
  npmChunkSize?: number;
  pypiConcurrency?: number;
}

export const DEFAULTS = {
  npmLock: 'package-lock.json',
  uvLock: 'uv.lock',
  allowlist: 'tools/audit/allowlist.json',
  report: 'reports/security/audit.json',
  pypiUrl: DEFAULT_PYPI_URL,
  timeoutMs: 15_000,
} as const;

/**
 * The registry `npm config get registry` would give for this workspace: npm's environment
 * variable (npm sets it for scripts it runs), else `registry=` in the project's .npmrc, then
 * the user's, else the public registry. (Scoped registries are not consulted: npm audit sends
 * every package to the one default registry too.)
 */
export function resolveNpmRegistry(env: NodeJS.ProcessEnv, root: string, home: string | undefined): string {
  const fromEnv = env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY;
  if (fromEnv) return fromEnv;
  for (const file of [path.join(root, '.npmrc'), ...(home ? [path.join(home, '.npmrc')] : [])]) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const match = /^\s*registry\s*=\s*(\S+)\s*$/m.exec(text);
    if (match?.[1]) return match[1];
  }
  return DEFAULT_NPM_REGISTRY;
}

export interface AuditRun {
  exitCode: 0 | 1 | 2;
  lines: string[];
  report: Record<string, unknown>;
}

export async function runAudit(options: AuditOptions): Promise<AuditRun> {
  const at = (file: string): string => path.resolve(options.root, file);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const refuse = (message: string): AuditRun => {
    const report = { date: today, exitCode: 1, error: message };
    writeReport(at(options.report), report);
    return { exitCode: 1, lines: [`audit: ${message}`, `report: ${options.report}`], report };
  };
  let entries;
  let npmInventory;
  let python;
  try {
    entries = readAllowlist(at(options.allowlist));
    npmInventory = readNpmLock(at(options.npmLock));
    python = readUvLock(at(options.uvLock));
  } catch (error) {
    if (error instanceof AllowlistError) {
      return refuse(`allow-list ${options.allowlist} is malformed: ${error.problem} — nothing was audited`);
    }
    if (error instanceof LockError) return refuse(`${error.message} — nothing was audited`);
    throw error;
  }
  const [npm, pypi] = await Promise.all([
    auditNpm(npmInventory, {
      registry: options.npmRegistry,
      timeoutMs: options.timeoutMs,
      ...(options.npmChunkSize ? { chunkSize: options.npmChunkSize } : {}),
    }),
    auditPypi(python.inventory, {
      pypiUrl: options.pypiUrl,
      timeoutMs: options.timeoutMs,
      ...(options.pypiConcurrency ? { concurrency: options.pypiConcurrency } : {}),
    }),
  ]);
  const verdict = judge([npm, pypi], entries, today, options.requireSources);
  const context: RunContext = {
    npmLock: options.npmLock,
    uvLock: options.uvLock,
    allowlist: options.allowlist,
    report: options.report,
    requireSources: options.requireSources,
    skippedPython: python.skipped,
    today,
  };
  const report = reportJson(verdict, context);
  writeReport(at(options.report), report);
  return { exitCode: verdict.exitCode, lines: renderText(verdict, context), report };
}
