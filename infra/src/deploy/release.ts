// Step 3 of infra:deploy: `helm upgrade --install`, and what a failure leaves behind.
// helm's own --rollback-on-failure is not used: on a first install it uninstalls the release,
// taking every pod and log with it, and on an upgrade it rolls back before anything can be
// read. Instead, on failure: infra:doctor reads the release first (bounded in time), then
//   - a release that never served (first install) is kept as it is, for diagnosis;
//   - an upgrade is rolled back to the revision that served, so the app keeps serving.
// The error then carries what the doctor found (crash loops and their log lines), not only
// helm's "not ready" list.
import { HelmError, type Helm, type HistoryEntry, type UpgradeInstallOptions } from '@todo/kube';
import type { Finding } from '../doctor/findings';

type Log = (line: string) => void;

/** What the doctor says about the failed release: its findings, or why it could not tell. */
export type Diagnosis = { findings: Finding[] } | { error: string };

export interface ReleaseStep {
  helm: Pick<Helm, 'history' | 'upgradeInstall' | 'rollback'>;
  release: string;
  namespace: string;
  /** `--kube-context`, for the commands the message suggests. */
  kubeContext?: string;
  chart: string;
  /** The install options; `rollbackOnFailure` is decided here, never passed through. */
  install: Omit<UpgradeInstallOptions, 'rollbackOnFailure'>;
  /** Runs infra:doctor's collection and analysis against the release. */
  diagnose: () => Promise<Finding[]>;
  /** How long the doctor may take before the message goes out without it. */
  diagnoseTimeoutMs: number;
  log: Log;
}

/** The revision that serves now: the `deployed` one, else the newest `superseded`; undefined for a release that never served. */
export function servingRevision(history: readonly HistoryEntry[]): number | undefined {
  const newestFirst = [...history].sort((a, b) => b.revision - a.revision);
  return (newestFirst.find((h) => h.status === 'deployed') ?? newestFirst.find((h) => h.status === 'superseded'))?.revision;
}

/** The release's history; empty when helm says it does not exist. */
async function historyOf(step: ReleaseStep): Promise<HistoryEntry[]> {
  try {
    return await step.helm.history(step.release, { max: 20 });
  } catch (err) {
    if (err instanceof HelmError && /release: not found/i.test(err.helmMessage)) return [];
    throw err;
  }
}

export class DeployFailed extends Error {
  override readonly name = 'DeployFailed';
  constructor(
    message: string,
    readonly diagnosis: Diagnosis,
    /** `kept`: a failed first install left for diagnosis; `rolled-back`: back to `revision`; `rollback-failed`; `unchanged`. */
    readonly outcome: 'kept' | 'rolled-back' | 'rollback-failed' | 'unchanged',
  ) {
    super(message);
  }
}

export async function upgradeInstallOrExplain(step: ReleaseStep): Promise<void> {
  const before = await historyOf(step);
  const serving = servingRevision(before);
  step.log(
    serving !== undefined
      ? `upgrading ${step.release} from revision ${serving} (a failure rolls back to it)`
      : `${before.length ? `upgrading ${step.release}, which never served` : `first install of ${step.release}`} (a failure keeps it for diagnosis)`,
  );
  try {
    await step.helm.upgradeInstall(step.release, step.chart, { ...step.install, rollbackOnFailure: false });
    return;
  } catch (err) {
    const helmMessage = err instanceof HelmError ? err.helmMessage : (err as Error).message;
    step.log('helm failed: asking infra:doctor why, before anything is rolled back');
    const diagnosis = await diagnoseWithin(step);
    const { outcome, lines } = await afterFailure(step, serving, before);
    const message = [`helm upgrade --install failed: ${helmMessage}`, '', ...describeDiagnosis(diagnosis, step), '', ...lines].join('\n');
    throw new DeployFailed(message, diagnosis, outcome);
  }
}

/** The doctor, given at most diagnoseTimeoutMs: a dead cluster must not hold the message back. */
async function diagnoseWithin(step: ReleaseStep): Promise<Diagnosis> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Diagnosis>((resolve) => {
    const ms = step.diagnoseTimeoutMs;
    timer = setTimeout(() => resolve({ error: `it did not answer within ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}` }), ms);
  });
  const run = step.diagnose().then(
    (findings): Diagnosis => ({ findings }),
    (err: unknown): Diagnosis => ({ error: err instanceof Error ? err.message : String(err) }),
  );
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Keeps a release that never served; rolls an upgrade back when helm recorded a failed revision. */
async function afterFailure(step: ReleaseStep, serving: number | undefined, before: HistoryEntry[]): Promise<{ outcome: DeployFailed['outcome']; lines: string[] }> {
  const target = `-n ${step.namespace}${step.kubeContext ? ` --kube-context ${step.kubeContext}` : ''}`;
  if (serving === undefined) {
    return {
      outcome: 'kept',
      lines: [
        `The release "${step.release}" never served, so it is kept as it failed (not uninstalled) for diagnosis:`,
        `  npm run nx -- run infra:doctor -- --release ${step.release} --namespace ${step.namespace}${step.kubeContext ? ` --context ${step.kubeContext}` : ''}`,
        'Fix the cause and deploy again (an upgrade of the failed release), or remove it:',
        `  npm run nx -- run infra:destroy   (or: helm uninstall ${step.release} ${target})`,
      ],
    };
  }
  const newest = Math.max(0, ...before.map((h) => h.revision));
  let recorded: boolean;
  try {
    // A new revision that deployed after all (an error that was not helm's, a concurrent
    // deploy) serves: only a failed or unfinished one is rolled back.
    recorded = (await historyOf(step)).some((h) => h.revision > newest && h.status !== 'deployed' && h.status !== 'superseded');
  } catch {
    recorded = true; // cannot tell: rolling back to the serving revision is the safe side
  }
  if (!recorded) {
    return { outcome: 'unchanged', lines: [`helm recorded no failed revision: the release serves as it is (revision ${serving} or newer), nothing to roll back.`] };
  }
  step.log(`rolling back ${step.release} to revision ${serving}`);
  try {
    await step.helm.rollback(step.release, serving, { wait: true, timeout: step.install.timeout, onProgress: step.install.onProgress });
    return { outcome: 'rolled-back', lines: [`Rolled back to revision ${serving}, which serves again; the failed revision stays in \`helm history ${step.release} ${target}\`.`] };
  } catch (err) {
    const why = err instanceof HelmError ? err.helmMessage : (err as Error).message;
    return {
      outcome: 'rollback-failed',
      lines: [`The rollback to revision ${serving} failed too: ${why}`, `  retry: npm run nx -- run infra:rollback   (or: helm rollback ${step.release} ${serving} ${target} --wait)`],
    };
  }
}

/** The doctor's findings as the deploy's message shows them: cause, evidence (log lines), fix. */
export function describeDiagnosis(diagnosis: Diagnosis, step: Pick<ReleaseStep, 'release' | 'namespace'>): string[] {
  if ('error' in diagnosis) return [`infra:doctor could not tell why (${diagnosis.error}); helm's message above is all there is.`];
  // The release's own state is what helm just said; the doctor's other findings say why.
  const causes = diagnosis.findings.filter((f) => f.severity !== 'info' && !f.kind.startsWith('release-'));
  if (!causes.length) return [`infra:doctor found nothing more in release "${step.release}" (namespace ${step.namespace}) than helm's message.`];
  const lines = [`infra:doctor found (release "${step.release}", namespace ${step.namespace}):`];
  causes.forEach((f, i) => {
    lines.push(`  ${i + 1}. [${f.severity}] ${f.object}: ${f.title}`);
    for (const d of f.details) lines.push(`       ${d}`);
    f.fix.forEach((fix, j) => lines.push(`     ${j === 0 ? 'fix:' : '    '} ${fix}`));
  });
  return lines;
}
