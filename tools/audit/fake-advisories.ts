// Test support: one HTTP server on 127.0.0.1 that speaks both advisory protocols, the npm
// registry's bulk endpoint (POST, gzipped JSON, answers only the names it has advisories
// for) and PyPI's per-version JSON, or fails the way a proxy or a dead network would.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface FakeConfig {
  /** npm: advisories by package name, or an HTTP status to answer every bulk request with. */
  npm?: Record<string, unknown[]> | { status: number };
  /** PyPI: `vulnerabilities` by "name/version" (others get an empty list), or a status for all. */
  pypi?: Record<string, unknown[]> | { status: number };
  /** Accept requests and never answer them (a timeout). */
  hang?: boolean;
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** The bulk request's body, ungzipped and parsed. */
  json?: unknown;
}

export interface FakeServer {
  url: string;
  received: Received[];
  config: FakeConfig;
  close(): Promise<void>;
}

function isStatus(value: unknown): value is { status: number } {
  return typeof (value as { status?: unknown } | undefined)?.status === 'number';
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

export async function startFake(config: FakeConfig): Promise<FakeServer> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await bodyOf(req);
      const entry: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      received.push(entry);
      if (config.hang) return;
      const url = new URL(req.url ?? '/', 'http://fake');
      if (url.pathname === '/-/npm/v1/security/advisories/bulk') {
        if (isStatus(config.npm)) return send(res, config.npm.status);
        if (req.method !== 'POST') return send(res, 405);
        const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
        const asked = JSON.parse(text) as Record<string, string[]>;
        entry.json = asked;
        const advisories = config.npm ?? {};
        const answer = Object.fromEntries(Object.keys(asked).filter((name) => advisories[name]).map((name) => [name, advisories[name]]));
        return send(res, 200, answer);
      }
      const pypi = /^\/pypi\/([^/]+)\/([^/]+)\/json$/.exec(url.pathname);
      if (pypi && req.method === 'GET') {
        if (isStatus(config.pypi)) return send(res, config.pypi.status);
        const key = `${decodeURIComponent(pypi[1] ?? '')}/${decodeURIComponent(pypi[2] ?? '')}`;
        return send(res, 200, { info: {}, urls: [], vulnerabilities: config.pypi?.[key] ?? [] });
      }
      send(res, 404);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    config,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An npm bulk advisory as the registry returns it. */
export function npmAdvisory(id: number, severity: string, ghsa: string, range = '<9.9.9'): Record<string, unknown> {
  return {
    id,
    url: `https://github.com/advisories/${ghsa}`,
    title: `Test advisory ${id}`,
    severity,
    vulnerable_versions: range,
    cwe: ['CWE-1321'],
    cvss: { score: 7.5, vectorString: null },
  };
}

/** A PyPI `vulnerabilities` entry as pip-audit reads it. */
export function pypiVulnerability(id: string, aliases: string[], withdrawn: string | null = null): Record<string, unknown> {
  return {
    id,
    aliases,
    summary: `Test vulnerability ${id}`,
    details: 'details',
    fixed_in: ['9.9.9'],
    link: `https://osv.dev/vulnerability/${id}`,
    source: 'osv',
    withdrawn,
  };
}
