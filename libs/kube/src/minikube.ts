// The minikube client: the commands infra's deploy and cluster targets run (start, status,
// delete, ip, image ls/load), through the one runner, for one profile.
import { runCommand, type RunResult } from './command';
import type { ToolCallOptions, ToolConfig } from './docker';

export interface MinikubeConfig extends ToolConfig {
  /** `--profile`; default minikube's own (`minikube`). */
  profile?: string;
}

export interface StartOptions {
  cpus?: number;
  /** e.g. `4g` */
  memory?: string;
  addons?: readonly string[];
}

export class Minikube {
  readonly binary: string;

  constructor(private readonly config: MinikubeConfig = {}) {
    this.binary = config.binary ?? 'minikube';
  }

  /** `--profile NAME` when one is set: in front of every command. */
  profileArgs(): string[] {
    return this.config.profile ? ['--profile', this.config.profile] : [];
  }

  /** Any minikube command for the profile; throws a CommandError quoting minikube. */
  run(args: readonly string[], options: ToolCallOptions = {}): Promise<RunResult> {
    return runCommand(this.binary, [...this.profileArgs(), ...args], { ...options, env: this.config.env, progressFromStdout: !!options.onProgress });
  }

  /** The arguments of `start` (for showing the command before running it). */
  startArgs(options: StartOptions = {}): string[] {
    return [
      'start',
      ...(options.cpus === undefined ? [] : [`--cpus=${options.cpus}`]),
      ...(options.memory === undefined ? [] : [`--memory=${options.memory}`]),
      ...(options.addons ?? []).map((a) => `--addons=${a}`),
    ];
  }

  async start(options: StartOptions = {}, call: ToolCallOptions = {}): Promise<void> {
    await this.run(this.startArgs(options), call);
  }

  /** minikube's status report (host, kubelet, apiserver, kubeconfig). */
  async status(call: ToolCallOptions = {}): Promise<string> {
    return (await this.run(['status'], call)).stdout;
  }

  async delete(call: ToolCallOptions = {}): Promise<void> {
    await this.run(['delete'], call);
  }

  /** The node's IP address, e.g. for NodePort URLs. */
  async ip(): Promise<string> {
    return (await this.run(['ip'])).stdout.trim();
  }

  /** The image references the cluster's container runtime has. */
  async imageLs(): Promise<string[]> {
    return (await this.run(['image', 'ls', '--format', 'short'])).stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  }

  /** Copies an image from the local docker engine into the cluster's runtime. */
  async imageLoad(ref: string, call: ToolCallOptions = {}): Promise<void> {
    await this.run(['image', 'load', ref], call);
  }
}
