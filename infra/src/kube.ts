// A small typed kubectl runner: finds the binary (KUBECTL_BIN, then PATH, then the
// workspace-pinned one), runs it with argument arrays (never a shell), and turns a failure
// into a KubectlError that names the command and quotes kubectl's own error line.
import { execFile, spawn } from 'node:child_process';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findOnPath, findWorkspaceRoot, isExecutable, shellQuote } from '@todo/kube';

const execFileAsync = promisify(execFile);

/** Where the binary came from: `env` (KUBECTL_BIN), `path`, or `pinned` (tools/scripts/helm-binary.mjs). */
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
  /** Workspace holding tools/scripts/helm-binary.mjs; default: found upwards from the cwd. */
  workspaceRoot?: string;
  /** `--request-timeout` of every call that talks to the API server, so an unreachable cluster fails fast. */
  requestTimeout?: string;
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
}

export const PINNED_KUBECTL_SCRIPT = 'tools/scripts/helm-binary.mjs';

export class KubectlError extends Error {
  override readonly name = 'KubectlError';
  /** The command line as a shell would need it, arguments quoted. */
  readonly command: string;
  /** kubectl's own error line, e.g. `error: the server doesn't have a resource type "foo"`. */
  readonly kubectlMessage: string;

  constructor(
    readonly binary: string,
    readonly args: readonly string[],
    /** null when kubectl could not start or was killed by a signal. */
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    const command = [binary, ...args].map(shellQuote).join(' ');
    const kubectlMessage = errorLine(stderr);
    const subcommand = args.find((arg, i) => !arg.startsWith('-') && !FLAGS_WITH_VALUE.has(args[i - 1] ?? '')) ?? '';
    const how = exitCode === null ? 'did not finish' : `exited with ${exitCode}`;
    super(`kubectl ${subcommand} ${how}: ${kubectlMessage}\n  command: ${command}`);
    this.command = command;
    this.kubectlMessage = kubectlMessage;
  }

  /** kubectl could not reach (or authenticate to) the API server, or the kubeconfig names no usable cluster. */
  get unreachable(): boolean {
    return isUnreachableMessage(this.stderr);
  }
}

// Global flags that take a separate value, skipped when naming the subcommand.
const FLAGS_WITH_VALUE = new Set(['--context', '--kubeconfig', '--request-timeout', '-n', '--namespace']);

const UNREACHABLE = [
  /Unable to connect to the server/i,
  /The connection to the server .* was refused/i,
  /connection refused/i,
  /no such host/i,
  /i\/o timeout/i,
  /context deadline exceeded/i,
  /Client\.Timeout exceeded/i,
  /TLS handshake timeout/i,
  /certificate signed by unknown authority/i,
  /x509:/i,
  /the server has asked for the client to provide credentials/i,
  /You must be logged in to the server/i,
  /context ".*" (was )?not found/i,
  /context was not found/i,
  /no configuration has been provided/i,
  /current-context is not set/i,
  /invalid configuration/i,
  /dial tcp/i,
];

export function isUnreachableMessage(stderr: string): boolean {
  return UNREACHABLE.some((re) => re.test(stderr));
}

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
  run(args: readonly string[], options: { signal?: AbortSignal } = {}): Promise<KubectlResult> {
    return runKubectl(this.binary.path, [...this.targetArgs(), ...flag('--request-timeout', this.config.requestTimeout), ...args], {
      env: this.config.env,
      signal: options.signal,
    });
  }

  /** Runs a command that only reads the kubeconfig (`config …`): no request timeout flag. */
  runLocal(args: readonly string[]): Promise<KubectlResult> {
    return runKubectl(this.binary.path, [...this.targetArgs(), ...args], { env: this.config.env });
  }

  /** Runs a command that prints JSON and parses it. */
  async json<T>(args: readonly string[]): Promise<T> {
    const result = await this.run(args);
    try {
      return JSON.parse(result.stdout) as T;
    } catch {
      throw new KubectlError(this.binary.path, args, 0, result.stdout, 'error: kubectl printed no JSON');
    }
  }
}

export function runKubectl(binary: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env: options.env ?? process.env, signal: options.signal, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let startError: Error | undefined;
    child.on('error', (e) => (startError = e));
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = startError ? `error: ${startError.message}` : Buffer.concat(err).toString('utf8');
      if (code === 0 && !startError) return resolve({ stdout, stderr });
      reject(new KubectlError(binary, args, code, stdout, stderr));
    });
  });
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
  return { path: await unpackPinnedKubectl(options.workspaceRoot ?? findWorkspaceRoot(process.cwd(), 'kubectl', 'KUBECTL_BIN'), env), source: 'pinned' };
}

const SOURCE_NAMES: Record<KubectlSource, string> = { env: 'KUBECTL_BIN', path: 'PATH', pinned: 'the workspace pin' };

/** For reports: `kubectl from PATH (/usr/bin/kubectl)`. */
export function describeKubectlBinary(binary: KubectlBinary): string {
  return `kubectl from ${SOURCE_NAMES[binary.source]} (${binary.path})`;
}

async function unpackPinnedKubectl(workspaceRoot: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await execFileAsync(process.execPath, [path.join(workspaceRoot, PINNED_KUBECTL_SCRIPT), '--kubectl'], { cwd: workspaceRoot, env });
    return stdout.trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`no kubectl on PATH and the pinned one could not be unpacked: ${stderr || (err as Error).message}`);
  }
}

/** kubectl's last `error:`/`Error from server` line, else its last non-empty line (deprecation warnings left out). */
export function errorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('Warning:'));
  const error = lines.findLast((l) => /^(error|Error from server|Unable to connect|The connection to the server)/i.test(l));
  return error ?? lines.at(-1) ?? '(kubectl printed no error)';
}

function flag(name: string, value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : [name, value];
}
