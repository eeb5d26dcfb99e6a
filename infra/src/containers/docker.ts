// The container tooling's docker: the workspace's one Docker client (@todo/kube), so every
// failure is a CommandError quoting the command and docker's own last line.
import { Docker } from '@todo/kube';

export const docker = new Docker();

/** docker's trimmed stdout; throws when docker fails. */
export async function dockerOut(args: string[], timeoutMs = 120_000): Promise<string> {
  return (await docker.run(args, { timeoutMs })).stdout.trim();
}

/** The last lines a container printed, headed by its name: for failure messages. */
export async function logs(name: string, lines = 60): Promise<string> {
  const result = await docker.logs(name, lines);
  return `--- ${name} (last ${lines} lines)\n${result.stdout.trim()}\n${result.stderr.trim()}`;
}
