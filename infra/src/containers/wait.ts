// Waiting for containers and ports: each wait fails early when the container exits, and
// every failure carries the container's last log lines.
import net from 'node:net';
import { docker, dockerOut, logs } from './docker';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until the container's own HEALTHCHECK reports healthy; returns the milliseconds since `since`. */
export async function waitHealthy(name: string, since: number, timeoutMs = 90_000): Promise<number> {
  const deadline = since + timeoutMs;
  while (performance.now() < deadline) {
    const [status, health] = (await dockerOut(['inspect', '-f', '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', name])).split(' ');
    if (health === 'healthy') return performance.now() - since;
    if (status === 'exited' || status === 'dead') break;
    await sleep(100);
  }
  throw new Error(`${name} did not become healthy:\n${await logs(name)}`);
}

/** Waits until `command` (run inside the container) exits 0. */
export async function waitExec(name: string, command: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last;
  while (performance.now() < deadline) {
    last = await docker.exec(name, command);
    if (last.ok) return;
    await sleep(250);
  }
  throw new Error(`${name}: ${command.join(' ')} kept failing:\n${last?.stderr}\n${await logs(name)}`);
}

/**
 * True when `url` answers 2xx within `timeoutMs`. The abort timer is a referenced one
 * (AbortSignal.timeout's is not): a port that accepts but does not answer yet, as Docker's
 * proxy does while the app starts, would otherwise leave nothing keeping the process alive.
 */
export async function httpOk(url: string, timeoutMs = 2000): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return (await fetch(url, { signal: controller.signal })).ok;
  } catch {
    return false; // not listening yet
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `url` every 25 ms until it answers 2xx; returns the milliseconds since `since`. */
export async function waitHttp(url: string, name: string, since: number, timeoutMs = 90_000): Promise<number> {
  while (performance.now() < since + timeoutMs) {
    if (await httpOk(url)) return performance.now() - since;
    await sleep(25);
  }
  throw new Error(`${url} (${name}) did not answer:\n${await logs(name)}`);
}
