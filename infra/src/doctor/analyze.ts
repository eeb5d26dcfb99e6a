// Snapshot in, findings out: pure, so every check is tested with fixtures and no cluster.
import { CHECKS } from './checks';
import { bySeverity, checkContext, mergeFindings, type Finding } from './findings';
import type { Snapshot } from './snapshot';

export function analyze(snapshot: Snapshot): Finding[] {
  const ctx = checkContext(snapshot);
  const findings = CHECKS.flatMap((check) => check(ctx));
  return mergeFindings(findings).sort(bySeverity); // stable: check order within a severity
}
