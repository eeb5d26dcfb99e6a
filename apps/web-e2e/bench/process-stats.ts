// CPU and memory of a server process tree, read from /proc the way apps/api/bench/stack.py
// reads the API's: utime + stime of the process and every descendant, and resident memory.
import { existsSync, readFileSync } from 'node:fs';

// USER_HZ: 100 on every Linux this project runs on (getconf CLK_TCK); Node has no sysconf.
const CLOCK_TICKS_PER_SECOND = 100;

/** The process and its descendants, found through /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    const file = `/proc/${tree[i]}/task/${tree[i]}/children`;
    if (!existsSync(file)) continue;
    tree.push(...readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map(Number));
  }
  return tree;
}

/** User + system CPU seconds of one process so far (0 once it is gone). */
export function processCpuSeconds(pid: number): number {
  try {
    // Fields after the command name, which may itself hold spaces or parentheses.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()!.trim().split(/\s+/);
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND; // utime, stime
  } catch {
    return 0;
  }
}

export function treeCpuSeconds(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + processCpuSeconds(p), 0);
}

/** Resident memory of the process tree, MiB (VmRSS, and VmHWM: the most it ever held). */
export function treeMemoryMib(pid: number): { rss: number; peak: number } {
  let rss = 0;
  let peak = 0;
  for (const p of processTree(pid)) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      rss += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
      peak += Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      // gone
    }
  }
  return { rss: Math.round(rss * 10) / 10, peak: Math.round(peak * 10) / 10 };
}
