#!/usr/bin/env node
// The browser e2e suite against the images, run as the cluster runs them
// (`nx run infra:e2e-containers`, after both docker-build targets):
//   1. PostgreSQL, the migration Job's containers, api and web on a private network, each
//      run exactly as the rendered Helm chart runs it (command, environment, port, probes,
//      user, read-only root, volumes, capabilities: stack.mjs), waiting for each image's own
//      HEALTHCHECK and for the chart's readiness path;
//   2. checks of how they run: numeric non-root user, read-only root, no shell, nothing
//      secret in the images' environment, the api port published nowhere;
//   3. apps/web-e2e's Playwright suite against the web container, then the chart's own
//      `helm test` pods (health, readiness along web's path, a task round trip);
//   4. SIGTERM: each app stops by itself, well before Docker's kill;
//   5. every container, volume and network removed, also on failure.
// Reports: reports/infra/e2e-containers (JUnit from Playwright, summary.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { docker, dockerResult, execFile, logs, newStackId, removeStack, root, runChartTest, stackNames, startStack, stopGracefully } from './stack.mjs';

const reports = path.join(root, 'reports/infra/e2e-containers');
mkdirSync(reports, { recursive: true });

const checks = [];
function check(name, ok, detail = '') {
  checks.push({ name, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
}

const inspect = (format, target) => docker(['inspect', '-f', format, target]);

function checkHowTheyRun(stack) {
  for (const app of ['api', 'web']) {
    const image = stack.images[app];
    const name = stack.names[app];
    const imageUser = inspect('{{.Config.User}}', image);
    const chartUser = stack.chart[app].user;
    check(`${app} image declares a numeric non-root user`, /^[1-9]\d*:[1-9]\d*$/.test(imageUser), imageUser);
    check(`${app}: the chart's runAsUser/runAsGroup is the image's user`, chartUser === imageUser, `chart ${chartUser}, image ${imageUser}`);
    check(`${app} container runs as ${chartUser}`, inspect('{{.Config.User}}', name) === chartUser);
    check(`${app} root filesystem is read-only`, inspect('{{.HostConfig.ReadonlyRootfs}}', name) === 'true');
    const write = app === 'api'
      ? ['python', '-c', "open('/app/probe', 'w')"]
      : ['node', '-e', "require('fs').writeFileSync('/app/probe', '')"];
    const written = dockerResult(['exec', name, ...write]);
    check(`${app} cannot write to its code`, written.status !== 0 && /read-only/i.test(written.stderr), written.stderr.split('\n').find((line) => /read-only/i.test(line)) ?? written.stderr);
    const shell = dockerResult(['exec', name, 'sh', '-c', 'true']);
    check(`${app} image has no shell`, shell.status !== 0, `exit ${shell.status}`);
    const labels = JSON.parse(inspect('{{json .Config.Labels}}', image));
    const label = (/** @type {string} */ name) => labels[`org.opencontainers.image.${name}`];
    check(`${app} image labels its revision and version`, Boolean(label('revision') && label('version')), `${label('revision')?.slice(0, 12)} ${label('version')}`);
    const env = JSON.parse(inspect('{{json .Config.Env}}', image));
    const secretish = env.filter((entry) => /SECRET|PASSWORD|TOKEN|API_KEY|DATABASE_URL/i.test(entry.split('=')[0]));
    check(`${app} image environment holds no secret`, secretish.length === 0, secretish.join(', '));
  }
  const apiPorts = JSON.parse(inspect('{{json .NetworkSettings.Ports}}', stack.names.api));
  const published = Object.values(apiPorts ?? {}).filter((bindings) => bindings && bindings.length);
  check('api port is not published to the host', published.length === 0, JSON.stringify(apiPorts));
  const webPorts = JSON.parse(inspect('{{json .NetworkSettings.Ports}}', stack.names.web));
  check('web is published on loopback only', (webPorts['3000/tcp'] ?? []).every((b) => b.HostIp === '127.0.0.1'), JSON.stringify(webPorts));
}

function runBrowserSuite(stack) {
  // The state file apps/web-e2e/src/stack.ts reads instead of starting processes itself.
  const stateFile = path.join(reports, 'stack-state.json');
  writeFileSync(stateFile, JSON.stringify({
    webUrl: stack.webUrl,
    apiUrl: `http://${stack.chart.services.api}:${stack.chart.api.port}`,
    databaseUrl: stack.databaseUrl,
    secrets: { jwt: stack.secrets.jwt, auth: stack.secrets.auth },
    pids: {},
    specs: {},
    containers: { api: stack.names.api, web: stack.names.web, webImage: stack.images.web },
  }, null, 2));
  const started = performance.now();
  execFile(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', '-c', 'apps/web-e2e/playwright.config.ts'], {
    env: { ...process.env, E2E_STACK_STATE: stateFile, E2E_WEB_PORT: String(stack.webPort), E2E_REPORT_DIR: reports },
  });
  return performance.now() - started;
}

const names = stackNames(newStackId());
let stack;
let failed = false;
const summary = { images: {}, timings: {}, checks };
try {
  stack = await startStack({ id: names.id, publishPostgres: true, extraWebEnv: { AUTH_RATE_LIMIT: 'false' } }); // many sign-ups from one address
  summary.images = stack.images;
  Object.assign(summary.timings, stack.timings);
  checkHowTheyRun(stack);
  summary.timings['browser suite'] = runBrowserSuite(stack);
  // The chart's own `helm test` pods, run against these containers as helm would.
  for (const name of Object.keys(stack.chart.tests)) {
    const started = performance.now();
    const result = runChartTest(stack, name);
    summary.timings[`helm test ${name.replace(/^.*-test-/, '')}`] = performance.now() - started;
    console.log(`--- ${name}\n${result.stdout}${result.stderr ? `\n${result.stderr}` : ''}`);
    check(`the chart's test ${name} passes against the containers`, result.status === 0, `exit ${result.status}`);
  }
  const stopped = stopGracefully(stack);
  for (const [app, { exitCode, ms }] of Object.entries(stopped)) {
    summary.timings[`${app} stop`] = ms;
    // api (uvicorn) exits 0; web exits 143 from Next's own SIGTERM handler, after closing the
    // server. 137 would mean Docker had to kill it after the timeout.
    check(`${app} stops on SIGTERM by itself`, ms < 20_000 && exitCode !== 137, `exit ${exitCode} after ${Math.round(ms)} ms`);
  }
} catch (error) {
  failed = true;
  console.error(error instanceof Error ? error.message : error);
  for (const name of [names.postgres, names.api, names.web]) console.error(logs(name));
} finally {
  removeStack(names);
}

if (checks.some((c) => !c.ok)) failed = true;
writeFileSync(path.join(reports, 'summary.json'), JSON.stringify({ ...summary, failed }, null, 2));
console.log('\n== e2e-containers timings (ms)');
for (const [name, ms] of Object.entries(summary.timings)) console.log(`${name.padEnd(28)} ${Math.round(ms)}`);
console.log(failed ? '\ne2e-containers: FAILED' : `\ne2e-containers: passed (${checks.length} checks and the browser suite)`);
process.exit(failed ? 1 : 0);
