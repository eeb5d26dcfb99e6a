// Jobs of the release (the migration Job, a pre-upgrade hook on upgrades): failed, or running
// far longer than a migration should.
import { explainLog } from '../known-messages';
import type { Job, Pod } from '@todo/kube';
import { describeEvent, eventsFor, type CheckContext, type Finding } from '../findings';
import { containersOf } from './pods';

/** A running Job older than this is reported as stuck. */
export const STUCK_AFTER_MS = 5 * 60_000;

export function jobPods(ctx: CheckContext, job: Job): Pod[] {
  return ctx.snapshot.objects.pods.filter(
    (p) => p.metadata.labels?.['batch.kubernetes.io/job-name'] === job.metadata.name || p.metadata.labels?.['job-name'] === job.metadata.name,
  );
}

export function checkJobs(ctx: CheckContext): Finding[] {
  // A CronJob's runs (the backups) are judged by checkBackups, against their schedule.
  return ctx.snapshot.objects.jobs.filter((job) => !job.metadata.ownerReferences?.some((o) => o.kind === 'CronJob')).flatMap((job): Finding[] => {
    const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
    const migration = job.metadata.labels?.['app.kubernetes.io/component'] === 'migrations';
    const what = migration ? 'The database migration Job' : `The Job ${job.metadata.name}`;
    const hook = job.metadata.annotations?.['helm.sh/hook'];
    const pods = jobPods(ctx, job);
    const logs = pods.flatMap((p) => ctx.snapshot.logs.filter((l) => l.pod === p.metadata.name));
    const logLines = logs.flatMap((l) => (l.lines.length ? [`last log lines of ${l.pod} (${l.container}):`, ...l.lines.map((x) => `  | ${x}`)] : []));
    const known = explainLog(logs.flatMap((l) => l.lines), ctx);
    const logsCommand = `kubectl logs job/${job.metadata.name} ${ctx.kubectlTarget} --all-containers --tail=50`;

    if (failed) {
      return [
        {
          kind: 'migration-failed',
          severity: 'critical',
          object: `Job/${job.metadata.name}`,
          title: `${what} failed (${failed.reason ?? 'Failed'})${known ? `: ${known.meaning}` : ''}.`,
          details: [
            `${hook ? `helm hook ${hook}; ` : ''}${job.status?.failed ?? 0} failed pod(s); ${failed.message ?? ''}`.trim(),
            ...eventsFor(ctx.snapshot, 'Job', job.metadata.name).slice(-2).map(describeEvent),
            ...logLines,
          ],
          fix: [
            ...(known?.fix ?? []),
            `Read its log: ${logsCommand}`,
            `After fixing, deploy again (the migration Job is recreated): helm upgrade ${ctx.snapshot.release} charts/todo-chatbot -n ${ctx.snapshot.namespace} --reuse-values`,
          ],
        } satisfies Finding,
      ];
    }

    const started = Date.parse(job.status?.startTime ?? '');
    const age = Date.parse(ctx.snapshot.collectedAt) - started;
    if (!job.status?.completionTime && (job.status?.active ?? 0) > 0 && age > STUCK_AFTER_MS) {
      // Where is it waiting? The init container waits for the database.
      const waiting = pods.flatMap((p) =>
        containersOf(p)
          .filter(({ status }) => !status.state?.terminated)
          .map(({ status, init }) => `pod ${p.metadata.name}: ${init ? 'init ' : ''}container ${status.name} ${status.state?.running ? 'still running' : `waiting (${status.state?.waiting?.reason ?? '?'})`}`),
      );
      const waitsForDb = waiting.some((w) => /wait-for-database.*running/.test(w));
      return [
        {
          kind: 'migration-stuck',
          severity: 'warning',
          object: `Job/${job.metadata.name}`,
          title: `${what} has been running for ${Math.round(age / 60_000)} minutes${waitsForDb ? ', still waiting for the database' : ''}.`,
          details: [...waiting, ...logLines],
          fix: [
            ...(waitsForDb ? [`Is PostgreSQL up? kubectl get pods ${ctx.kubectlTarget} -l app.kubernetes.io/component=postgresql (with an external database: is externalDatabase.url reachable from the cluster?)`] : []),
            `Follow it: ${logsCommand}`,
            `It is stopped after migrations.activeDeadlineSeconds (${job.spec.activeDeadlineSeconds ?? '?'} s).`,
          ],
        } satisfies Finding,
      ];
    }
    return [];
  });
}
