// The cluster's long-running host processes. They outlive the command that starts them,
// so they are not run through @todo/kube's runCommand (which waits for an exit): each is
// spawned detached with its output in one log file, and recorded by PID, executable and
// start time so cluster-down stops exactly it and never a process that reused the PID.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DaemonRecord {
  name: string;
  pid: number;
  /** the executable /proc/PID/exe named when it started */
  exe: string;
  /** field 22 of /proc/PID/stat: with the PID, unique for the machine's uptime */
  startTime: string;
  log: string;
}

export function startDaemon(name: string, binary: string, args: readonly string[], logsDir: string, env: NodeJS.ProcessEnv = process.env): DaemonRecord {
  const log = path.join(logsDir, `${name}.log`);
  const fd = openSync(log, 'a');
  try {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd], env });
    child.unref();
    if (child.pid === undefined) throw new Error(`${name}: ${binary} did not start`);
    return { name, pid: child.pid, exe: exeOf(child.pid) ?? binary, startTime: startTimeOf(child.pid) ?? '', log };
  } finally {
    closeSync(fd);
  }
}

/** True while the recorded process (not merely its PID) is alive. */
export function isRunning(record: DaemonRecord): boolean {
  const exe = exeOf(record.pid);
  if (exe === undefined) return false;
  return exe.replace(/ \(deleted\)$/, '') === record.exe.replace(/ \(deleted\)$/, '') && startTimeOf(record.pid) === record.startTime;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. False if it was not running. */
export async function stopDaemon(record: DaemonRecord, graceMs = 20_000): Promise<boolean> {
  if (!isRunning(record)) return false;
  signal(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isRunning(record)) {
    if (Date.now() > deadline) {
      signal(record.pid, 'SIGKILL');
      await sleep(200);
      if (isRunning(record)) throw new Error(`${record.name} (PID ${record.pid}) survived SIGKILL`);
      break;
    }
    await sleep(200);
  }
  return true;
}

/** A process that exited between the check and the signal is what we wanted anyway. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** The last lines of a daemon's log, for an error message. */
export function logTail(record: Pick<DaemonRecord, 'log'>, lines = 15): string {
  try {
    return readFileSync(record.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function exeOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

function startTimeOf(pid: number): string | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
