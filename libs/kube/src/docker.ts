// The docker client: the docker commands this workspace runs (the e2e stack's containers,
// their network and volume, image checks), through the one runner, so a failure is a
// CommandError quoting docker's last line.
import { attemptCommand, runCommand, type Outcome, type RunOptions, type RunResult } from './command';

export interface ToolConfig {
  /** The binary: a path, or a name looked up on the PATH of `env`; default the tool's name. */
  binary?: string;
  /** Environment to run with; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export type ToolCallOptions = Pick<RunOptions, 'signal' | 'timeoutMs' | 'onProgress' | 'input' | 'stdoutTo'>;

export class Docker {
  readonly binary: string;

  constructor(private readonly config: ToolConfig = {}) {
    this.binary = config.binary ?? 'docker';
  }

  /** Any docker command; resolves with its output, throws a CommandError. */
  run(args: readonly string[], options: ToolCallOptions = {}): Promise<RunResult> {
    return runCommand(this.binary, args, { ...options, env: this.config.env, progressFromStdout: !!options.onProgress });
  }

  /** Any docker command, resolving however it ends (a start failure still throws). */
  attempt(args: readonly string[], options: ToolCallOptions = {}): Promise<Outcome> {
    return attemptCommand(this.binary, args, { ...options, env: this.config.env, progressFromStdout: !!options.onProgress });
  }

  /** A Go template over `docker inspect` of a container (or image), e.g. `{{.State.Status}}`. */
  async inspect(name: string, format: string, options: ToolCallOptions = {}): Promise<string> {
    return (await this.run(['inspect', '--format', format, name], options)).stdout.trim();
  }

  /** Whether the local engine has the image. */
  async imageExists(ref: string): Promise<boolean> {
    return (await this.attempt(['image', 'inspect', '--format', '{{.Id}}', ref])).ok;
  }

  /** `docker run ARGS…` (flags, image, command); resolves with stdout trimmed (the id with `-d`). */
  async runContainer(args: readonly string[], options: ToolCallOptions = {}): Promise<string> {
    return (await this.run(['run', ...args], options)).stdout.trim();
  }

  async start(name: string, options: ToolCallOptions = {}): Promise<void> {
    await this.run(['start', name], options);
  }

  /** Stops a container, giving it `timeSeconds` to exit on SIGTERM before SIGKILL. */
  async stop(name: string, timeSeconds?: number, options: ToolCallOptions = {}): Promise<void> {
    await this.run(['stop', ...(timeSeconds === undefined ? [] : ['--time', String(timeSeconds)]), name], options);
  }

  /** Removes containers; `force` stops running ones, `volumes` removes their anonymous volumes. */
  async rm(names: readonly string[], flags: { force?: boolean; volumes?: boolean } = {}): Promise<Outcome> {
    return this.attempt(['rm', ...(flags.force ? ['--force'] : []), ...(flags.volumes ? ['--volumes'] : []), ...names]);
  }

  /** The container's last log lines, whatever state it is in (empty if it is gone). */
  async logs(name: string, tail?: number): Promise<Outcome> {
    return this.attempt(['logs', ...(tail === undefined ? [] : ['--tail', String(tail)]), name]);
  }

  /** Runs a command inside a running container; resolves however it ends. */
  exec(name: string, command: readonly string[], options: ToolCallOptions = {}): Promise<Outcome> {
    return this.attempt(['exec', ...(options.input === undefined ? [] : ['--interactive']), name, ...command], options);
  }

  async networkCreate(name: string, labels: readonly string[] = []): Promise<void> {
    await this.run(['network', 'create', ...labels.flatMap((l) => ['--label', l]), name]);
  }

  networkRm(name: string): Promise<Outcome> {
    return this.attempt(['network', 'rm', name]);
  }

  async volumeCreate(name: string, labels: readonly string[] = []): Promise<void> {
    await this.run(['volume', 'create', ...labels.flatMap((l) => ['--label', l]), name]);
  }

  volumeRm(name: string): Promise<Outcome> {
    return this.attempt(['volume', 'rm', name]);
  }
}
