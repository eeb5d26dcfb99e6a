// docker for the container tooling: argument arrays, never a shell; failures quote the command.
import { spawnSync } from 'node:child_process';

export interface DockerResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs docker and returns how it ended, whatever that was (output trimmed). */
export function dockerResult(args: string[], timeoutMs = 120_000): DockerResult {
  const result = spawnSync('docker', args, { encoding: 'utf8', timeout: timeoutMs });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/** Runs docker and returns its trimmed stdout; throws with the command and its stderr. */
export function docker(args: string[], timeoutMs = 120_000): string {
  const result = dockerResult(args, timeoutMs);
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')} exited ${result.status}:\n${result.stderr || result.stdout}`);
  return result.stdout;
}

/** The last lines a container printed, headed by its name: for failure messages. */
export function logs(name: string, lines = 60): string {
  const result = dockerResult(['logs', '--tail', String(lines), name]);
  return `--- ${name} (last ${lines} lines)\n${result.stdout}\n${result.stderr}`;
}
