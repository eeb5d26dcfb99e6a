// Just enough of cron to know when a CronJob should have run: the five standard fields
// (numbers, names, `*`, ranges, steps, lists) and the @descriptors Kubernetes accepts, read in
// UTC. Day-of-month and day-of-week combine as cron does: either matches when both are set.
const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const NAMES: Record<number, string[]> = {
  3: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  4: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};
const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

export interface Cron {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  daysRestricted: boolean;
  weekdaysRestricted: boolean;
}

/** The schedule, or undefined when it is not one this reader understands (the check then says nothing). */
export function parseCron(schedule: string): Cron | undefined {
  const text = DESCRIPTORS[schedule.trim().toLowerCase()] ?? schedule.trim();
  const fields = text.replace(/^CRON_TZ=\S+\s+|^TZ=\S+\s+/, '').split(/\s+/);
  if (fields.length !== 5) return undefined;
  const sets = fields.map((f, i) => parseField(f, i));
  if (sets.some((s) => !s)) return undefined;
  const [minutes, hours, days, months, weekdays] = sets as Set<number>[];
  if (weekdays!.has(7)) weekdays!.add(0);
  return { minutes: minutes!, hours: hours!, days: days!, months: months!, weekdays: weekdays!, daysRestricted: !fields[2]!.startsWith('*') && fields[2] !== '?', weekdaysRestricted: !fields[4]!.startsWith('*') && fields[4] !== '?' };
}

function parseField(field: string, index: number): Set<number> | undefined {
  const [lo, hi] = RANGES[index]!;
  const out = new Set<number>();
  const value = (v: string) => {
    const named = NAMES[index]?.indexOf(v.toUpperCase());
    if (named !== undefined && named >= 0) return named + (index === 3 ? 1 : 0);
    return /^\d+$/.test(v) ? Number(v) : NaN;
  };
  for (const part of field.split(',')) {
    const m = /^(\*|\?|[^/-]+)(?:-([^/]+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const step = m[3] ? Number(m[3]) : 1;
    const start = m[1] === '*' || m[1] === '?' ? lo : value(m[1]!);
    const end = m[2] !== undefined ? value(m[2]) : m[1] === '*' || m[1] === '?' || m[3] ? hi : start;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < lo || end > hi || start > end || step < 1) return undefined;
    for (let v = start; v <= end; v += step) out.add(v);
  }
  return out;
}

function dayMatches(c: Cron, d: Date): boolean {
  if (!c.months.has(d.getUTCMonth() + 1)) return false;
  const dom = c.days.has(d.getUTCDate());
  const dow = c.weekdays.has(d.getUTCDay());
  if (c.daysRestricted && c.weekdaysRestricted) return dom || dow;
  return dom && dow;
}

/** The last `count` times the schedule fired at or before `before`, newest first (searching back up to ~5 years). */
export function previousRuns(c: Cron, before: Date, count: number): Date[] {
  const runs: Date[] = [];
  const t = new Date(before.getTime());
  t.setUTCSeconds(0, 0);
  const limit = before.getTime() - 5 * 366 * 86_400_000;
  while (runs.length < count && t.getTime() > limit) {
    if (!dayMatches(c, t)) {
      t.setUTCHours(0, 0, 0, 0);
      t.setTime(t.getTime() - 60_000); // 23:59 the day before
    } else if (!c.hours.has(t.getUTCHours())) {
      t.setUTCMinutes(0);
      t.setTime(t.getTime() - 60_000); // :59 of the hour before
    } else if (!c.minutes.has(t.getUTCMinutes())) {
      t.setTime(t.getTime() - 60_000);
    } else {
      runs.push(new Date(t.getTime()));
      t.setTime(t.getTime() - 60_000);
    }
  }
  return runs;
}
