#!/usr/bin/env node
// Plain JavaScript on purpose: it runs before `npm ci` has installed any TypeScript runner.
// Installs what the workspace needs, and nothing outside it: npm packages, a pinned uv
// (under .tools/ when PATH has no uv of that version) and the Python virtual environment.
// Safe to run again: each step is skipped when already done.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, rmSync } from 'node:fs';
import path from 'node:path';
import { UV_VERSION, hasNodeModules, run, toolsBin, toolsDir, uvVersion, workspaceRoot } from './toolchain.mjs';

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`setup: ${message}`);
  process.exit(1);
}

/** @param {string} a @param {string} b */
function newerThan(a, b) {
  return existsSync(a) && existsSync(b) && statSync(a).mtimeMs > statSync(b).mtimeMs;
}

// 1. Node packages, exactly as locked.
const lock = path.join(workspaceRoot, 'package-lock.json');
const installedMarker = path.join(workspaceRoot, 'node_modules', '.package-lock.json');
if (!hasNodeModules() || newerThan(lock, installedMarker)) {
  console.log('setup: installing npm packages (npm ci)');
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) fail('npm ci failed; see the output above.');
}

// 2. uv, pinned. Prefer the user's own when it is the pinned version.
if (uvVersion() !== UV_VERSION) {
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (!python) fail('Python 3.11+ is required: install it and put python3 on PATH.');
  const pyVersion = spawnSync(python, ['-c', 'import sys; print(sys.version_info >= (3, 11))'], { encoding: 'utf8' });
  if (pyVersion.stdout.trim() !== 'True') fail(`${python} is older than 3.11; install Python 3.11 or newer.`);
  console.log(`setup: installing uv ${UV_VERSION} into .tools/`);
  const target = path.join(toolsDir, 'uv');
  rmSync(target, { recursive: true, force: true });
  const status = run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
    '--no-warn-script-location', '--root-user-action=ignore', '--target', target, `uv==${UV_VERSION}`]);
  if (status !== 0) fail(`pip could not install uv ${UV_VERSION}; check that PyPI is reachable.`);
  mkdirSync(toolsBin, { recursive: true });
  const link = path.join(toolsBin, 'uv');
  rmSync(link, { force: true });
  symlinkSync(path.join(target, 'bin', 'uv'), link);
  if (uvVersion() !== UV_VERSION) fail(`uv ${UV_VERSION} was installed but does not run from ${link}.`);
}

// 3. The Python environment of the uv workspace, exactly as locked, on the machine's Python.
const pyLock = path.join(workspaceRoot, 'uv.lock');
if (!existsSync(pyLock)) fail('uv.lock is missing; run `npm run nx -- run api:lock` and commit it.');
const venvMarker = path.join(workspaceRoot, '.venv', '.synced');
if (!existsSync(venvMarker) || newerThan(pyLock, venvMarker) || process.env.CI) {
  console.log('setup: syncing the Python environment (uv sync --frozen)');
  if (run('uv', ['sync', '--frozen', '--all-packages', '--quiet']) !== 0) {
    fail('uv sync failed; see the output above. uv uses the Python on PATH (3.11+) and never downloads one.');
  }
  // A marker newer than uv.lock lets the next run skip this step.
  run('touch', [venvMarker]);
}

// 4. With --browser (the test command): a Chromium for the browser tests. Playwright cannot
// download its own here, so use the system's, installing Debian's package when we can.
if (process.argv.includes('--browser')) {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  if (!candidates.some((p) => p && existsSync(p))) {
    const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
    if (canApt) {
      console.log('setup: installing Chromium for the browser tests (apt-get install chromium)');
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      if (run('apt-get', ['update', '-qq'], { env }) !== 0 || run('apt-get', ['install', '-y', '-qq', 'chromium'], { env }) !== 0) {
        fail('apt-get could not install chromium; install it, or set CHROMIUM_PATH to a Chromium or Chrome binary.');
      }
    } else if (run('npx', ['playwright', 'install', 'chromium']) !== 0) {
      fail('no Chromium found: install one (e.g. `sudo apt-get install chromium`) or set CHROMIUM_PATH.');
    }
  }
}

// 5. A reminder, not a requirement: .env is optional, .env.example documents it.
if (!existsSync(path.join(workspaceRoot, '.env'))) {
  const example = readFileSync(path.join(workspaceRoot, '.env.example'), 'utf8');
  const names = example.split('\n').filter((l) => /^#?\s*[A-Z_]+=/.test(l)).length;
  console.log(`setup: no .env file; embedded defaults are used (.env.example documents ${names} settings).`);
}
console.log('setup: done');
