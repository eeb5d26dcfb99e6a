// The kubectl client: finds the binary (KUBECTL_BIN, then PATH, then the workspace-pinned
// one) and runs it through the one runner, so a failure is a KubectlError quoting kubectl.
import { homedir } from 'node:os';
import path from 'node:path';
import { findOnPath, isExecutable, unpackPinned } from './binary';
import { runCommand, type ProgressListener, type RunOptions, type RunResult } from './command';
import { KubectlError } from './errors';
import { ensurePinnedKubectl, WORKSPACE_ROOT } from './pinned';

/** Where the binary came from: `env` (KUBECTL_BIN), `path`, or `pinned` (libs/kube/src/pinned.ts). */
export type KubectlSource = 'env' | 'path' | 'pinned';

export interface KubectlBinary {
  path: string;
  source: KubectlSource;
}

export interface KubeTarget {
  /** `--context`; default: the kubeconfig's current context. */
  context?: string;
  /** `--kubeconfig`; default: KUBECONFIG, else ~/.kube/config. */
  kubeconfig?: string;
}

export interface KubectlConfig extends KubeTarget {
  /** Environment to read KUBECTL_BIN and PATH from, and to run kubectl with; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Workspace whose `.tools/` holds the pinned binaries; default: the one this lib is in. */
  workspaceRoot?: string;
  /** `--request-timeout` of every call that talks to the API server, so an unreachable cluster fails fast. */
  requestTimeout?: string;
}

export type KubectlResult = RunResult;

export class Kubectl {
  private constructor(
    readonly binary: KubectlBinary,
    private readonly config: KubectlConfig,
  ) {}

  /** Finds kubectl (KUBECTL_BIN → PATH → workspace-pinned) and remembers the target cluster. */
  static async create(config: KubectlConfig = {}): Promise<Kubectl> {
    return new Kubectl(await resolveKubectlBinary(config), config);
  }

  /** The same binary and settings, pinned to one context (e.g. the current one, once looked up). */
  withContext(context: string): Kubectl {
    return new Kubectl(this.binary, { ...this.config, context });
  }

  /** The kubeconfig kubectl reads: the option, else KUBECONFIG (a list), else ~/.kube/config. */
  get kubeconfigDescription(): string {
    const env = this.config.env ?? process.env;
    return this.config.kubeconfig ?? env['KUBECONFIG'] ?? path.join(env['HOME'] ?? homedir(), '.kube', 'config');
  }

  /** `--context`/`--kubeconfig` in front of the command's own arguments. */
  targetArgs(): string[] {
    return [...flag('--context', this.config.context), ...flag('--kubeconfig', this.config.kubeconfig)];
  }

  /** Runs kubectl against the API server, with the target and request timeout flags. */
  run(args: readonly string[], options: KubectlCallOptions = {}): Promise<KubectlResult> {
    return this.exec([...this.targetArgs(), ...flag('--request-timeout', this.config.requestTimeout), ...args], options);
  }

  /** Runs a command that only reads the kubeconfig (`config …`): no request timeout flag. */
  runLocal(args: readonly string[]): Promise<KubectlResult> {
    return this.exec([...this.targetArgs(), ...args]);
  }

  /** Runs a command that prints JSON and parses it. */
  async json<T>(args: readonly string[]): Promise<T> {
    const result = await this.run(args);
    try {
      return JSON.parse(result.stdout) as T;
    } catch {
      throw new KubectlError({ binary: this.binary.path, args, exitCode: 0, stdout: result.stdout, stderr: 'error: kubectl printed no JSON' });
    }
  }

  private exec(args: readonly string[], options: KubectlCallOptions = {}): Promise<KubectlResult> {
    return runCommand(this.binary.path, args, { ...options, errorType: KubectlError, env: this.config.env, progressFromStdout: !!options.onProgress });
  }
}

export interface KubectlCallOptions extends Pick<RunOptions, 'input' | 'stdoutTo' | 'timeoutMs'> {
  signal?: AbortSignal;
  /** Receives kubectl's output lines (stdout too) as they come, e.g. to show `kubectl logs`. */
  onProgress?: ProgressListener;
}

export async function resolveKubectlBinary(options: KubectlConfig = {}): Promise<KubectlBinary> {
  const env = options.env ?? process.env;
  const setting = env['KUBECTL_BIN'];
  if (setting) {
    const file = setting.includes(path.sep) ? path.resolve(setting) : findOnPath(setting, env['PATH']);
    // An explicit setting that does not work is an error, never a silent fallback.
    if (!file || !isExecutable(file)) throw new Error(`kubectl binary "${setting}" from KUBECTL_BIN is not an executable file`);
    return { path: file, source: 'env' };
  }
  const onPath = findOnPath('kubectl', env['PATH']);
  if (onPath) return { path: onPath, source: 'path' };
  return { path: await unpackPinned('kubectl', () => ensurePinnedKubectl(options.workspaceRoot ?? WORKSPACE_ROOT, env)), source: 'pinned' };
}

const SOURCE_NAMES: Record<KubectlSource, string> = { env: 'KUBECTL_BIN', path: 'PATH', pinned: 'the workspace pin' };

/** For reports: `kubectl from PATH (/usr/bin/kubectl)`. */
export function describeKubectlBinary(binary: KubectlBinary): string {
  return `kubectl from ${SOURCE_NAMES[binary.source]} (${binary.path})`;
}

function flag(name: string, value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : [name, value];
}
