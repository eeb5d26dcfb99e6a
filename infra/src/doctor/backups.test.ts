// Backups that stopped (checks/backups.ts, cron.ts): the backup-stale scenario (the healthy
// release plus a backup CronJob whose last two runs failed) and variations of its CronJob.
import type { CronJob } from '@todo/kube';
import { loadScenario } from './__fixtures__/scenarios';
import { analyze } from './analyze';
import { parseCron, previousRuns } from './checks/cron';
import type { Snapshot } from './snapshot';

const iso = (d: Date[]) => d.map((x) => x.toISOString());

describe('cron', () => {
  test('previous runs of daily, stepped, weekday and descriptor schedules (UTC)', () => {
    const at = new Date('2026-12-07T17:03:38Z'); // a Monday
    expect(iso(previousRuns(parseCron('0 3 * * *')!, at, 2))).toEqual(['2026-12-07T03:00:00.000Z', '2026-12-06T03:00:00.000Z']);
    expect(iso(previousRuns(parseCron('*/15 * * * *')!, at, 2))).toEqual(['2026-12-07T17:00:00.000Z', '2026-12-07T16:45:00.000Z']);
    expect(iso(previousRuns(parseCron('30 2 * * MON-FRI')!, at, 2))).toEqual(['2026-12-07T02:30:00.000Z', '2026-12-04T02:30:00.000Z']);
    expect(iso(previousRuns(parseCron('@weekly')!, at, 1))).toEqual(['2026-12-06T00:00:00.000Z']);
    expect(iso(previousRuns(parseCron('0 0 1 JAN,jul *')!, at, 2))).toEqual(['2026-07-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
    // Day of month and day of week both set: either matches.
    expect(iso(previousRuns(parseCron('0 12 1 * 0')!, at, 2))).toEqual(['2026-12-06T12:00:00.000Z', '2026-12-01T12:00:00.000Z']);
  });

  test('what it does not understand is undefined (the check then stays silent)', () => {
    for (const s of ['', '* * * *', '61 * * * *', '0 3 * * * *', '@every 1h', '0 3 L * *']) expect(parseCron(s)).toBeUndefined();
  });
});

describe('the backup-stale scenario', () => {
  const findings = analyze(loadScenario('backup-stale'));

  test('one warning, in plain words with the evidence and the fix; the failed run is not a "migration failed"', () => {
    expect(findings.map((f) => f.kind)).toEqual(['backup-stale']);
    const f = findings[0]!;
    expect(f.severity).toBe('warning');
    expect(f.object).toBe('CronJob/todo-todo-chatbot-backup');
    expect(f.title).toBe('Backups stopped: the last successful backup is 5 days old, and the schedule "0 3 * * *" has missed at least two runs since.');
    expect(f.details.join('\n')).toContain('run todo-todo-chatbot-backup-29412180 failed (BackoffLimitExceeded');
    expect(f.details.join('\n')).toContain('password authentication failed for user "todo"');
    expect(f.fix.join('\n')).toContain('the password in the Secret differs from the one stored in the database volume');
    expect(f.fix).toContain('Run one now and watch it: kubectl create job todo-todo-chatbot-backup-manual-$(date +%s) --from=cronjob/todo-todo-chatbot-backup -n todo --context todo-hermetic');
    expect(f.fix.at(-1)).toBe('Meanwhile take a backup from your machine: npm run nx -- run infra:backup -- --release todo --namespace todo');
  });
});

describe('the same CronJob in other states', () => {
  const withCronJob = (change: (cj: CronJob) => void): Snapshot => {
    const s = loadScenario('backup-stale');
    const cj = s.objects.cronJobs[0]!;
    change(cj);
    return s;
  };
  const kinds = (s: Snapshot) => analyze(s).map((f) => f.kind);

  test('one missed night is tolerated: a success after the older of the last two due runs is healthy', () => {
    expect(kinds(withCronJob((cj) => (cj.status!.lastSuccessfulTime = '2026-12-06T03:00:40Z')))).toEqual([]);
  });

  test('a run still within its deadline and slack is not yet missed', () => {
    // At 03:20 the 03:00 run may still be running: the runs judged are the two before it.
    const s = withCronJob((cj) => (cj.status!.lastSuccessfulTime = '2026-12-05T03:00:40Z'));
    s.collectedAt = '2026-12-07T03:20:00.000Z';
    expect(kinds(s)).toEqual([]);
  });

  test('never succeeded: silent while the CronJob is young, a finding once two runs were due', () => {
    const young = withCronJob((cj) => {
      delete cj.status!.lastSuccessfulTime;
      cj.metadata.creationTimestamp = '2026-12-06T12:00:00Z';
    });
    expect(kinds(young)).toEqual([]);
    const old = withCronJob((cj) => delete cj.status!.lastSuccessfulTime);
    const f = analyze(old)[0]!;
    expect(f.title).toBe('No backup has ever succeeded: the CronJob todo-todo-chatbot-backup exists since 2026-11-20T10:00:00.000Z and its schedule "0 3 * * *" has made at least two runs due.');
  });

  test('suspended: said so, with the command that resumes it', () => {
    const f = analyze(withCronJob((cj) => (cj.spec.suspend = true)))[0]!;
    expect(f.title).toMatch(/^Backups are suspended/);
    expect(f.fix[0]).toBe(`Resume it: kubectl patch cronjob todo-todo-chatbot-backup -n todo --context todo-hermetic -p '{"spec":{"suspend":false}}'`);
  });
});
