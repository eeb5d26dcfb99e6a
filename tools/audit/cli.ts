// `nx run tools:audit` (node --import tsx tools/audit/cli.ts [options]): the locked npm and
// Python dependencies against npm's and PyPI's advisories. See tools/README.md, "audit".
import os from 'node:os';
import { parseArgs } from 'node:util';
import { isIsoDate } from './allowlist';
import { DEFAULTS, resolveNpmRegistry, runAudit } from './audit';

const HELP = `Usage: npm run nx -- run tools:audit [-- options]
  --require-sources     exit 2 (not 0) when an advisory source cannot be queried
  --npm-registry URL    registry for npm's bulk advisory endpoint (default: npm's configured registry)
  --pypi-url URL        PyPI's base URL (default: ${DEFAULTS.pypiUrl})
  --allowlist FILE      allow-list (default: ${DEFAULTS.allowlist})
  --npm-lock FILE       (default: ${DEFAULTS.npmLock})
  --uv-lock FILE        (default: ${DEFAULTS.uvLock})
  --report FILE         JSON report (default: ${DEFAULTS.report})
  --timeout SECONDS     per request (default: ${DEFAULTS.timeoutMs / 1000})
  --today YYYY-MM-DD    judge allow-list expiry as of this day (default: today, UTC)
Exit codes: 0 passed (sources that could not be queried are printed as NOT AUDITED),
1 findings not allow-listed, expired or malformed allow-list entries, unreadable lock files,
2 a source could not be queried and --require-sources was given.`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'require-sources': { type: 'boolean', default: false },
        'npm-registry': { type: 'string' },
        'pypi-url': { type: 'string', default: DEFAULTS.pypiUrl },
        allowlist: { type: 'string', default: DEFAULTS.allowlist },
        'npm-lock': { type: 'string', default: DEFAULTS.npmLock },
        'uv-lock': { type: 'string', default: DEFAULTS.uvLock },
        report: { type: 'string', default: DEFAULTS.report },
        timeout: { type: 'string', default: String(DEFAULTS.timeoutMs / 1000) },
        today: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`audit: ${(error as Error).message}\n${HELP}`);
    return 1;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const seconds = Number(values.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    console.error(`audit: --timeout must be a positive number of seconds, not "${values.timeout}"`);
    return 1;
  }
  if (values.today !== undefined && !isIsoDate(values.today)) {
    console.error(`audit: --today must be a date as YYYY-MM-DD, not "${values.today}"`);
    return 1;
  }
  const root = process.cwd();
  const run = await runAudit({
    root,
    npmLock: values['npm-lock'],
    uvLock: values['uv-lock'],
    allowlist: values.allowlist,
    report: values.report,
    npmRegistry: values['npm-registry'] ?? resolveNpmRegistry(process.env, root, os.homedir()),
    pypiUrl: values['pypi-url'],
    timeoutMs: seconds * 1000,
    requireSources: values['require-sources'],
    ...(values.today ? { today: values.today } : {}),
  });
  for (const line of run.lines) console.log(line);
  return run.exitCode;
}

// Exit at once: fetch keeps idle keep-alive connections open for seconds after the last
// answer. (Writes to a pipe or a file are synchronous on Linux, so nothing printed is lost.)
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('audit: failed unexpectedly:', error);
    process.exit(1);
  },
);
