// How the app containers run, checked against what the chart and the images promise:
// numeric non-root user (the same in image and chart), read-only root, no shell, OCI labels,
// nothing secret in the images' environment, the api port published nowhere.
import { docker } from './docker';
import type { Stack } from './stack';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** Named pass/fail checks, printed as they are made. */
export class Checks {
  readonly results: CheckResult[] = [];

  check(name: string, ok: boolean, detail = ''): void {
    this.results.push({ name, ok, detail });
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
  }

  get failed(): boolean {
    return this.results.some((c) => !c.ok);
  }
}

type PortBindings = Record<string, { HostIp: string; HostPort: string }[] | null> | null;

const inspect = (format: string, target: string) => docker.inspect(target, format);

export async function checkHowTheyRun(stack: Stack, checks: Checks): Promise<void> {
  for (const app of ['api', 'web'] as const) {
    const image = stack.images[app];
    const name = stack.names[app];
    const imageUser = await inspect('{{.Config.User}}', image);
    const chartUser = stack.chart[app].user;
    checks.check(`${app} image declares a numeric non-root user`, /^[1-9]\d*:[1-9]\d*$/.test(imageUser), imageUser);
    checks.check(`${app}: the chart's runAsUser/runAsGroup is the image's user`, chartUser === imageUser, `chart ${chartUser}, image ${imageUser}`);
    checks.check(`${app} container runs as ${chartUser}`, (await inspect('{{.Config.User}}', name)) === chartUser);
    checks.check(`${app} root filesystem is read-only`, (await inspect('{{.HostConfig.ReadonlyRootfs}}', name)) === 'true');
    const write = app === 'api' ? ['python', '-c', "open('/app/probe', 'w')"] : ['node', '-e', "require('fs').writeFileSync('/app/probe', '')"];
    const written = await docker.exec(name, write);
    const readOnlyLine = written.stderr.split('\n').find((line) => /read-only/i.test(line));
    checks.check(`${app} cannot write to its code`, !written.ok && readOnlyLine !== undefined, readOnlyLine ?? written.stderr);
    const shell = await docker.exec(name, ['sh', '-c', 'true']);
    checks.check(`${app} image has no shell`, !shell.ok, `exit ${shell.exitCode}`);
    const labels = JSON.parse(await inspect('{{json .Config.Labels}}', image)) as Record<string, string>;
    const label = (key: string) => labels[`org.opencontainers.image.${key}`];
    checks.check(`${app} image labels its revision and version`, Boolean(label('revision') && label('version')), `${label('revision')?.slice(0, 12)} ${label('version')}`);
    const env = JSON.parse(await inspect('{{json .Config.Env}}', image)) as string[];
    const secretish = env.filter((entry) => /SECRET|PASSWORD|TOKEN|API_KEY|DATABASE_URL/i.test(entry.split('=')[0] ?? ''));
    checks.check(`${app} image environment holds no secret`, secretish.length === 0, secretish.join(', '));
  }
  const apiPorts = JSON.parse(await inspect('{{json .NetworkSettings.Ports}}', stack.names.api)) as PortBindings;
  const published = Object.values(apiPorts ?? {}).filter((bindings) => bindings && bindings.length);
  checks.check('api port is not published to the host', published.length === 0, JSON.stringify(apiPorts));
  const webPorts = JSON.parse(await inspect('{{json .NetworkSettings.Ports}}', stack.names.web)) as PortBindings;
  checks.check('web is published on loopback only', (webPorts?.['3000/tcp'] ?? []).every((b) => b.HostIp === '127.0.0.1'), JSON.stringify(webPorts));
}
