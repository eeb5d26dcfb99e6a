// Reading the Python tools' reports. A report is the tool's stdout and nothing else: stderr
// carries notes that come and go (uv's "Downloading …" on a cold cache, deprecation warnings),
// so it only ever joins a failure message.
import path from 'node:path';
import type { ToolRun } from './python-tools';

/** A failed tool's own words: its diagnostics, then the end of its report. */
export const toolMessage = (run: ToolRun): string => `${run.stderr.trim()}\n${run.stdout.trim()}`.trim().slice(-3000);

interface CheckovReport {
  summary?: { passed: number; failed: number; skipped: number };
  results?: { failed_checks?: { check_id: string; check_name: string; resource: string; file_path: string }[] };
}

export interface CheckovOutcome {
  passed: number;
  skipped: number;
  /** One line per failed check: id, name, resource and file. */
  failures: string[];
}

/** checkov's `--output json` report (one object, or a list with one per framework). */
export function readCheckovReport(run: ToolRun): CheckovOutcome {
  let parsed: CheckovReport | CheckovReport[];
  try {
    parsed = JSON.parse(run.stdout) as CheckovReport | CheckovReport[];
  } catch {
    throw new Error(`checkov wrote no JSON report on stdout (exit ${run.status}):\n${toolMessage(run)}`);
  }
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const summary = reports.map((r) => r.summary).find(Boolean);
  const failures = reports
    .flatMap((r) => r.results?.failed_checks ?? [])
    .map((f) => `${f.check_id} ${f.check_name} — ${f.resource} (${path.basename(f.file_path)})`);
  return { passed: summary?.passed ?? 0, skipped: summary?.skipped ?? 0, failures };
}
