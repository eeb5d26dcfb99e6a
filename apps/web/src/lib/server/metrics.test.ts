/** @jest-environment node */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authOutcome, serveMetrics, webMetrics } from './metrics';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

it('serves the counts in the Prometheus text format on its own port, GET /metrics only', async () => {
  webMetrics().auth.inc({ action: 'sign_in', outcome: 'throttled' });
  webMetrics().proxy.observe({ route: 'tasks/:id', method: 'PUT', status: '200' }, 0.012);
  const port = await freePort();
  const server = serveMetrics(port, '127.0.0.1')!;
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const answer = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await answer.text();
    expect(text).toContain('todo_web_auth_attempts_total{action="sign_in",outcome="throttled"} 1');
    expect(text).toContain('todo_web_proxy_request_duration_seconds_count{route="tasks/:id",method="PUT",status="200"} 1');
    expect(text).toMatch(/todo_web_build_info\{version="[^"]+",node="\d+\.\d+\.\d+"\} 1/);
    expect(text).toContain('todo_web_process_cpu_seconds_total');
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

it('is off with port 0, and a port in use is logged, not fatal', async () => {
  expect(serveMetrics(0, '127.0.0.1')).toBeUndefined();
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const second = serveMetrics((taken.address() as AddressInfo).port, '127.0.0.1')!;
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(errors.mock.calls.flat().join(' ')).toMatch(/metrics not served on port \d+: .*EADDRINUSE/);
  errors.mockRestore();
  second.close();
  await new Promise((resolve) => taken.close(resolve));
});

it('names auth outcomes by status', () => {
  expect([200, 401, 422, 429, 500].map(authOutcome)).toEqual(['success', 'refused', 'refused', 'throttled', 'error']);
});
