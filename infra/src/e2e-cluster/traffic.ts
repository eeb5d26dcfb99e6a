// A signed-in user's bounded traffic through the web (the browser's path: web's proxy, then
// the api): lists and creates tasks on a few connections until stopped, counting every
// request that failed and remembering each task the app acknowledged.
import { randomBytes } from 'node:crypto';

export interface TrafficResult {
  requests: number;
  failed: number;
  /** up to ten failures, e.g. `POST /api/tasks → 502` */
  failures: string[];
  /** titles of tasks whose creation the app answered 201 */
  acknowledged: string[];
}

export interface User {
  email: string;
  cookie: string;
}

/** Every user signUp makes has this password (the backup step signs one in again). */
export const PASSWORD = 'cluster-e2e-password-1';

/** Signs a new user up through web's Better Auth endpoint; returns its session cookie. */
export async function signUp(webUrl: string, label: string): Promise<User> {
  const email = `${label}-${randomBytes(4).toString('hex')}@e2e.test`;
  const response = await fetch(`${webUrl}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: webUrl },
    body: JSON.stringify({ email, password: PASSWORD, name: label }),
  });
  if (!response.ok) throw new Error(`sign-up through ${webUrl} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { email, cookie };
}

export async function listTasks(webUrl: string, user: User): Promise<{ title: string }[]> {
  const response = await fetch(`${webUrl}/api/tasks`, { headers: { cookie: user.cookie } });
  if (!response.ok) throw new Error(`GET /api/tasks answered ${response.status}`);
  return (await response.json()) as { title: string }[];
}

/** Runs the traffic until `stop` resolves; `connections` loops, 3 lists to 1 create. */
export async function traffic(webUrl: string, user: User, stop: Promise<unknown>, connections = 4): Promise<TrafficResult> {
  const result: TrafficResult = { requests: 0, failed: 0, failures: [], acknowledged: [] };
  let stopped = false;
  void stop.finally(() => (stopped = true));
  let serial = 0;
  const one = async () => {
    const create = serial++ % 4 === 3;
    const title = `traffic ${serial} ${Date.now()}`;
    // A request that hangs counts as failed after 15 s rather than stalling the step.
    const signal = AbortSignal.timeout(15_000);
    const request = create
      ? fetch(`${webUrl}/api/tasks`, { method: 'POST', headers: { cookie: user.cookie, 'content-type': 'application/json', origin: webUrl }, body: JSON.stringify({ title }), signal })
      : fetch(`${webUrl}/api/tasks`, { headers: { cookie: user.cookie }, signal });
    result.requests++;
    try {
      const response = await request;
      await response.arrayBuffer();
      if (response.ok && create) result.acknowledged.push(title);
      if (!response.ok) fail(`${create ? 'POST' : 'GET'} /api/tasks → ${response.status}`);
    } catch (err) {
      fail(`${create ? 'POST' : 'GET'} /api/tasks → ${(err as Error).cause ?? (err as Error).message}`);
    }
  };
  const fail = (what: string) => {
    result.failed++;
    if (result.failures.length < 10) result.failures.push(what);
  };
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (!stopped) await one();
    }),
  );
  return result;
}

/** Runs `work` while traffic flows; returns both. */
export async function underTraffic<T>(webUrl: string, user: User, work: () => Promise<T>, connections = 4): Promise<{ value: T; traffic: TrafficResult }> {
  let release!: () => void;
  const stop = new Promise<void>((r) => (release = r));
  const running = traffic(webUrl, user, stop, connections);
  try {
    const value = await work();
    return { value, traffic: await (release(), running) };
  } catch (err) {
    release();
    await running;
    throw err;
  }
}
