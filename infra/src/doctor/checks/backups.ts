// The backup CronJob (chart value backup.enabled): backups that stopped. Its last successful
// run must be newer than the older of the two runs the schedule last made due (each given
// time to finish): one failed night is tolerated, two in a row are a finding.
import type { CronJob, Job } from '@todo/kube';
import { explainLog } from '../known-messages';
import { describeEvent, eventsFor, type CheckContext, type Finding } from '../findings';
import { parseCron, previousRuns } from './cron';
import { jobPods } from './jobs';

/** Time a run gets to finish before it counts as missed: the Job's deadline (default 1 h) plus 10 minutes. */
const slackMs = (cj: CronJob) => ((cj.spec.jobTemplate.spec.activeDeadlineSeconds ?? 3600) + 600) * 1000 + (cj.spec.timeZone && !/^(Etc\/)?UTC$/.test(cj.spec.timeZone) ? 14 * 3600_000 : 0);

const ago = (ms: number) => (ms >= 2 * 86_400_000 ? `${Math.round(ms / 86_400_000)} days` : ms >= 2 * 3600_000 ? `${Math.round(ms / 3600_000)} hours` : `${Math.round(ms / 60_000)} minutes`);

export function checkBackups(ctx: CheckContext): Finding[] {
  const { snapshot } = ctx;
  const now = new Date(snapshot.collectedAt);
  return snapshot.objects.cronJobs.flatMap((cj): Finding[] => {
    const name = cj.metadata.name;
    const cron = parseCron(cj.spec.schedule);
    if (!cron) return [];
    const due = previousRuns(cron, new Date(now.getTime() - slackMs(cj)), 2);
    if (due.length < 2) return [];
    const older = due[1]!;
    const lastSuccess = cj.status?.lastSuccessfulTime ? new Date(cj.status.lastSuccessfulTime) : undefined;
    const created = new Date(cj.metadata.creationTimestamp ?? 0);
    if (lastSuccess && lastSuccess >= older) return [];
    if (!lastSuccess && created > older) return [];

    const runs = snapshot.objects.jobs
      .filter((j) => j.metadata.ownerReferences?.some((o) => o.kind === 'CronJob' && o.name === name))
      .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
    const failedRun = runs.findLast((j) => j.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True'));
    const logs = failedRun ? jobPods(ctx, failedRun).flatMap((p) => snapshot.logs.filter((l) => l.pod === p.metadata.name)) : [];
    const known = explainLog(logs.flatMap((l) => l.lines), ctx);
    const target = ctx.kubectlTarget;
    const { release, namespace } = snapshot;
    const title = cj.spec.suspend
      ? `Backups are suspended: the CronJob ${name} has not made a backup since ${lastSuccess ? `${ago(now.getTime() - lastSuccess.getTime())} ago` : 'it was created'}.`
      : lastSuccess
        ? `Backups stopped: the last successful backup is ${ago(now.getTime() - lastSuccess.getTime())} old, and the schedule "${cj.spec.schedule}" has missed at least two runs since.`
        : `No backup has ever succeeded: the CronJob ${name} exists since ${created.toISOString()} and its schedule "${cj.spec.schedule}" has made at least two runs due.`;
    return [
      {
        kind: 'backup-stale',
        severity: 'warning',
        object: `CronJob/${name}`,
        title,
        details: [
          `schedule "${cj.spec.schedule}"${cj.spec.timeZone ? ` (${cj.spec.timeZone})` : ' (UTC)'}; runs due at ${due[1]!.toISOString()} and ${due[0]!.toISOString()}`,
          `last successful backup: ${lastSuccess?.toISOString() ?? 'never'}; last scheduled: ${cj.status?.lastScheduleTime ?? 'never'}${cj.spec.suspend ? '; spec.suspend: true' : ''}`,
          ...(failedRun ? [describeFailure(failedRun)] : runs.length ? [] : ['no backup Job of it is left in the namespace']),
          ...eventsFor(snapshot, 'CronJob', name).slice(-2).map(describeEvent),
          ...logs.flatMap((l) => (l.lines.length ? [`last log lines of ${l.pod} (${l.container}):`, ...l.lines.slice(-8).map((x) => `  | ${x}`)] : [])),
        ],
        fix: [
          ...(cj.spec.suspend ? [`Resume it: kubectl patch cronjob ${name} ${target} -p '{"spec":{"suspend":false}}'`] : []),
          ...(known ? [known.meaning, ...known.fix] : []),
          ...(failedRun ? [`Read the failed run's log: kubectl logs job/${failedRun.metadata.name} ${target}`] : []),
          `Run one now and watch it: kubectl create job ${name}-manual-$(date +%s) --from=cronjob/${name} ${target}`,
          'Is the backups\' volume full? Lower backup.keep or raise backup.persistence.size.',
          `Meanwhile take a backup from your machine: npm run nx -- run infra:backup -- --release ${release} --namespace ${namespace}`,
        ],
      } satisfies Finding,
    ];
  });
}

function describeFailure(job: Job): string {
  const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  return `run ${job.metadata.name} failed (${failed?.reason ?? 'Failed'}${failed?.message ? `: ${failed.message}` : ''})`;
}
