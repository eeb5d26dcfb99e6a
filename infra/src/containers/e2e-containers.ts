// The browser e2e suite against the images, run as the cluster runs them
// (`nx run infra:e2e-containers`, after both docker-build targets):
//   1. PostgreSQL, the migration Job's containers, api and web on a private network, each
//      run exactly as the rendered Helm chart runs it (stack.ts), waiting for each image's
//      own HEALTHCHECK and for the chart's readiness path;
//   2. checks of how they run (run-checks.ts);
//   3. apps/web-e2e's Playwright suite against the web container, then the chart's own
//      `helm test` pods (health, readiness along web's path, a task round trip);
//   4. SIGTERM: each app stops by itself, well before Docker's kill;
//   5. every container, volume and network removed, also on failure.
// Reports: reports/infra/e2e-containers (JUnit from Playwright, summary.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from '@todo/kube';
import { root } from '../workspace';
import { logs } from './docker';
import { Checks, checkHowTheyRun } from './run-checks';
import { newStackId, removeStack, runChartTest, stackNames, startStack, stopGracefully, type Stack } from './stack';

// The header the browser suite names each test's own client address in (apps/web-e2e/src/stack.ts).
const E2E_CLIENT_ADDRESS_HEADER = 'x-e2e-client-address';

const reports = path.join(root, 'reports/infra/e2e-containers');

/** apps/web-e2e's suite against the running stack; returns how long it took. */
async function runBrowserSuite(stack: Stack): Promise<number> {
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
  await runCommand(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', '-c', 'apps/web-e2e/playwright.config.ts'], {
    cwd: root,
    output: 'inherit',
    env: { ...process.env, E2E_STACK_STATE: stateFile, E2E_WEB_PORT: String(stack.webPort), E2E_REPORT_DIR: reports },
  });
  return performance.now() - started;
}

async function main(): Promise<boolean> {
  mkdirSync(reports, { recursive: true });
  const checks = new Checks();
  const names = stackNames(newStackId());
  const summary: { images: Record<string, string>; timings: Record<string, number>; checks: Checks['results'] } = { images: {}, timings: {}, checks: checks.results };
  let failed = false;
  try {
    // The limits stay on; each browser test names its own address in the header web trusts.
    const stack = await startStack({ id: names.id, publishPostgres: true, extraWebEnv: { TRUSTED_PROXY_HEADER: E2E_CLIENT_ADDRESS_HEADER } });
    summary.images = stack.images;
    Object.assign(summary.timings, stack.timings);
    await checkHowTheyRun(stack, checks);
    summary.timings['browser suite'] = await runBrowserSuite(stack);
    // The chart's own `helm test` pods, run against these containers as helm would.
    for (const name of Object.keys(stack.chart.tests)) {
      const started = performance.now();
      const result = await runChartTest(stack, name);
      summary.timings[`helm test ${name.replace(/^.*-test-/, '')}`] = performance.now() - started;
      console.log(`--- ${name}\n${result.stdout}${result.stderr ? `\n${result.stderr}` : ''}`);
      checks.check(`the chart's test ${name} passes against the containers`, result.ok, `exit ${result.exitCode}`);
    }
    for (const [app, { exitCode, ms }] of Object.entries(await stopGracefully(stack))) {
      summary.timings[`${app} stop`] = ms;
      // api (uvicorn) exits 0; web exits 143 from Next's own SIGTERM handler, after closing the
      // server. 137 would mean Docker had to kill it after the timeout.
      checks.check(`${app} stops on SIGTERM by itself`, ms < 20_000 && exitCode !== 137, `exit ${exitCode} after ${Math.round(ms)} ms`);
    }
  } catch (error) {
    failed = true;
    console.error(error instanceof Error ? error.message : error);
    for (const name of [names.postgres, names.api, names.web]) console.error(await logs(name));
  } finally {
    await removeStack(names);
  }
  failed ||= checks.failed;
  writeFileSync(path.join(reports, 'summary.json'), JSON.stringify({ ...summary, failed }, null, 2));
  console.log('\n== e2e-containers timings (ms)');
  for (const [name, ms] of Object.entries(summary.timings)) console.log(`${name.padEnd(28)} ${Math.round(ms)}`);
  console.log(failed ? '\ne2e-containers: FAILED' : `\ne2e-containers: passed (${checks.results.length} checks and the browser suite)`);
  return !failed;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
