// Waiting for a component: polls a check until it passes, and fails early with the
// component's last log lines when its process has exited.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DaemonRecord, isRunning, logTail } from './daemons';

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, daemon?: DaemonRecord): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (daemon && !isRunning(daemon)) throw new Error(`${daemon.name} exited while waiting for ${what}; its log (${daemon.log}) ends:\n${logTail(daemon)}`);
    if (Date.now() > deadline) {
      const log = daemon ? `; ${daemon.name}'s log (${daemon.log}) ends:\n${logTail(daemon)}` : '';
      throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s${log}`);
    }
    await sleep(250);
  }
}

/** GET over HTTP(S); true on a 2xx. `ca` pins the server's CA; without it, any certificate
 * is accepted (a component's self-signed health port on loopback). */
export function httpOk(url: string, options: { ca?: Buffer; token?: string } = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const request = get(
      url,
      {
        ca: options.ca,
        rejectUnauthorized: options.ca !== undefined,
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
        timeout: 2000,
      },
      (response) => {
        response.resume();
        resolve((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300);
      },
    );
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 1000 }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
