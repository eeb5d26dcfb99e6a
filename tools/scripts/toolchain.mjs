// Plain JavaScript, like setup.mjs, which imports it before any TypeScript runner is installed.
// One place that knows where the workspace's own tools live and how to run them.
// Used by setup.mjs (installs them) and nx.mjs (runs Nx with them on PATH).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// uv is pinned here; setup installs exactly this version when PATH lacks it.
export const UV_VERSION = '0.13.8';
export const toolsDir = path.join(workspaceRoot, '.tools');
export const toolsBin = path.join(toolsDir, 'bin');

/** Environment for every tool we start: our bin first, and uv never downloads Python. */
export function toolEnv(extra = {}) {
  return {
    ...process.env,
    PATH: `${toolsBin}${path.delimiter}${process.env.PATH ?? ''}`,
    UV_PYTHON_DOWNLOADS: 'never',
    NX_NO_CLOUD: 'true',
    ...extra,
  };
}

/** Version printed by `uv --version` for the uv that toolEnv() would run, or null. */
export function uvVersion(env = toolEnv()) {
  const r = spawnSync('uv', ['--version'], { env, encoding: 'utf8' });
  if (r.status !== 0) return null;
  return r.stdout.trim().split(/\s+/)[1] ?? null;
}

/** @param {string} cmd @param {string[]} args @param {import('node:child_process').SpawnSyncOptions} [opts] */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: workspaceRoot, env: toolEnv(), ...opts });
  if (r.error) throw new Error(`could not run ${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}

export const nxBin = path.join(workspaceRoot, 'node_modules', '.bin', 'nx');
export const hasNodeModules = () => existsSync(nxBin);
