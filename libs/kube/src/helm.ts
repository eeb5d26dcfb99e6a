// The helm-ts API: one method per helm command, typed options in, parsed results out.
import { resolveHelmBinary, type HelmBinary, type ResolveOptions } from './binary';
import {
  clusterFlags,
  flag,
  rollbackOnFailureFlags,
  switchFlag,
  valuesFlags,
  waitFlags,
  type ClusterOptions,
  type ValuesOptions,
  type WaitStrategy,
} from './flags';
import type { K8sObject } from './k8s-types';
import { parseManifests } from './manifests';
import { runCommand, type ProgressListener, type RunResult } from './command';
import { HelmError } from './errors';

export interface HelmConfig extends ResolveOptions, ClusterOptions {}

/** Per call: the cluster settings override the ones given to Helm.create. */
export interface CallOptions extends ClusterOptions {
  /** Receives helm's output lines as they come; long commands then also run with `--debug`. */
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface LintOptions extends ValuesOptions, Pick<CallOptions, 'onProgress' | 'signal'> {
  /** `--strict`: warnings fail the lint. */
  strict?: boolean;
  /** `--kube-version` for capabilities and deprecation checks. */
  kubeVersion?: string;
}

export interface LintFinding {
  severity: 'INFO' | 'WARNING' | 'ERROR';
  /** e.g. `templates/web/deployment.yaml: …` */
  message: string;
}

export interface TemplateOptions extends ValuesOptions, Pick<CallOptions, 'namespace' | 'onProgress' | 'signal'> {
  /** Release name; default `release`. */
  release?: string;
  /** `.Capabilities.KubeVersion`, e.g. `1.34.0`. */
  kubeVersion?: string;
  /** `.Capabilities.APIVersions` additions, e.g. `monitoring.coreos.com/v1`. */
  apiVersions?: readonly string[];
  /** Only these templates, e.g. `templates/web/deployment.yaml`. */
  showOnly?: readonly string[];
  /** Render as an upgrade (`.Release.IsUpgrade`). */
  isUpgrade?: boolean;
  /** Leave out `templates/tests/` pods. */
  skipTests?: boolean;
}

export interface InstallOptions extends ValuesOptions, CallOptions {
  createNamespace?: boolean;
  /** Wait until resources are ready; `true` means helm 4's `watcher` strategy. */
  wait?: boolean | WaitStrategy;
  waitForJobs?: boolean;
  /** Go duration for each Kubernetes operation, e.g. `5m`. */
  timeout?: string;
  /** Roll back (or uninstall a first install) when the operation fails; helm 3's `--atomic`. */
  rollbackOnFailure?: boolean;
  /** `client` renders without contacting the cluster; `server` asks the API server to validate. */
  dryRun?: 'client' | 'server';
  /** Chart version constraint when the chart comes from a repository. */
  version?: string;
  description?: string;
}

export type UpgradeInstallOptions = InstallOptions;

export type ReleaseStatus =
  | 'unknown'
  | 'deployed'
  | 'uninstalled'
  | 'superseded'
  | 'failed'
  | 'uninstalling'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback';

/** A release as `helm … -o json` prints it (the fields this workspace reads). */
export interface Release {
  name: string;
  namespace: string;
  /** Revision number. */
  version: number;
  info: {
    status: ReleaseStatus;
    description?: string;
    notes?: string;
    first_deployed?: string;
    last_deployed?: string;
  };
  chart?: { metadata: { name: string; version: string; appVersion?: string; [field: string]: unknown } };
  /** The rendered manifest (hooks excluded); parse it with parseManifests. */
  manifest?: string;
  hooks?: { name: string; kind: string; path: string; manifest: string; events: string[] }[];
  /** User-supplied values. */
  config?: Record<string, unknown>;
}

export interface HistoryEntry {
  revision: number;
  updated: string;
  status: ReleaseStatus;
  chart: string;
  app_version: string;
  description: string;
}

export class Helm {
  private constructor(
    /** The binary this instance runs, where it came from, and its version. */
    readonly binary: HelmBinary,
    private readonly config: HelmConfig,
  ) {}

  /** Finds helm (helmBin option → HELM_BIN → PATH → workspace-pinned) and remembers the cluster settings. */
  static async create(config: HelmConfig = {}): Promise<Helm> {
    return new Helm(await resolveHelmBinary(config), config);
  }

  /** The version helm reports now, e.g. `v4.1.4`. */
  async version(): Promise<string> {
    return (await this.run(['version', '--template', '{{.Version}}'])).stdout.trim();
  }

  /** Lints a chart; resolves with the findings, or throws a HelmError whose details are the ERROR and WARNING ones. */
  async lint(chart: string, options: LintOptions = {}): Promise<LintFinding[]> {
    const args = ['lint', chart, ...valuesFlags(options), ...switchFlag('--strict', options.strict), ...flag('--kube-version', options.kubeVersion)];
    try {
      return lintFindings((await this.run(args, { ...options, progressFromStdout: true })).stdout);
    } catch (err) {
      if (!(err instanceof HelmError)) throw err;
      const details = lintFindings(err.stdout)
        .filter((f) => f.severity !== 'INFO')
        .map((f) => `[${f.severity}] ${f.message}`);
      throw new HelmError({ binary: err.binary, args: err.args, exitCode: err.exitCode, stdout: err.stdout, stderr: err.stderr, details });
    }
  }

  /** Renders a chart offline and parses every manifest (hooks and test pods included unless skipped). */
  async template(chart: string, options: TemplateOptions = {}): Promise<K8sObject[]> {
    const args = [
      'template',
      options.release ?? 'release',
      chart,
      ...flag('--namespace', options.namespace ?? this.config.namespace),
      ...valuesFlags(options),
      ...flag('--kube-version', options.kubeVersion),
      ...(options.apiVersions ?? []).flatMap((v) => ['--api-versions', v]),
      ...(options.showOnly ?? []).flatMap((t) => ['--show-only', t]),
      ...switchFlag('--is-upgrade', options.isUpgrade),
      ...switchFlag('--skip-tests', options.skipTests),
    ];
    return parseManifests((await this.run(args, options)).stdout);
  }

  /** `helm install`; with `dryRun: 'client'` it works without a cluster and returns the would-be release. */
  async install(release: string, chart: string, options: InstallOptions = {}): Promise<Release> {
    return this.json<Release>(['install', release, chart, ...this.installFlags(options)], options);
  }

  /** `helm upgrade --install`. Even a client dry run needs the cluster: it reads the release history. */
  async upgradeInstall(release: string, chart: string, options: UpgradeInstallOptions = {}): Promise<Release> {
    return this.json<Release>(['upgrade', '--install', release, chart, ...this.installFlags(options)], options);
  }

  async status(release: string, options: CallOptions & { revision?: number } = {}): Promise<Release> {
    return this.json<Release>(['status', release, ...flag('--revision', options.revision), ...this.clusterFlags(options)], options);
  }

  async history(release: string, options: CallOptions & { max?: number } = {}): Promise<HistoryEntry[]> {
    return this.json<HistoryEntry[]>(['history', release, ...flag('--max', options.max), ...this.clusterFlags(options)], options);
  }

  /** Rolls back to `revision`, or to the previous one when omitted. */
  async rollback(
    release: string,
    revision?: number,
    options: CallOptions & { wait?: boolean | WaitStrategy; timeout?: string; dryRun?: 'client' | 'server' } = {},
  ): Promise<void> {
    const major = this.binary.major;
    const args = ['rollback', release, ...(revision === undefined ? [] : [String(revision)])];
    args.push(...waitFlags(options.wait, major), ...flag('--timeout', options.timeout), ...flag('--dry-run', options.dryRun));
    await this.run([...args, ...this.clusterFlags(options), ...this.debugFlag(options)], { ...options, progressFromStdout: true });
  }

  async uninstall(
    release: string,
    options: CallOptions & { keepHistory?: boolean; ignoreNotFound?: boolean; wait?: boolean | WaitStrategy; timeout?: string } = {},
  ): Promise<void> {
    const args = ['uninstall', release, ...switchFlag('--keep-history', options.keepHistory), ...switchFlag('--ignore-not-found', options.ignoreNotFound)];
    args.push(...waitFlags(options.wait, this.binary.major), ...flag('--timeout', options.timeout));
    await this.run([...args, ...this.clusterFlags(options), ...this.debugFlag(options)], { ...options, progressFromStdout: true });
  }

  /** Runs the chart's `helm test` pods; resolves with helm's report, throws a HelmError when a test fails. */
  async test(release: string, options: CallOptions & { logs?: boolean; timeout?: string; filter?: readonly string[] } = {}): Promise<string> {
    const args = ['test', release, ...switchFlag('--logs', options.logs), ...flag('--timeout', options.timeout)];
    args.push(...(options.filter ?? []).flatMap((f) => ['--filter', f]));
    const { stdout } = await this.run([...args, ...this.clusterFlags(options)], { ...options, progressFromStdout: true });
    return stdout;
  }

  private installFlags(options: InstallOptions): string[] {
    const major = this.binary.major;
    return [
      ...valuesFlags(options),
      ...switchFlag('--create-namespace', options.createNamespace),
      ...waitFlags(options.wait, major),
      ...switchFlag('--wait-for-jobs', options.waitForJobs),
      ...flag('--timeout', options.timeout),
      ...rollbackOnFailureFlags(options.rollbackOnFailure, major),
      ...flag('--dry-run', options.dryRun),
      ...flag('--version', options.version),
      ...flag('--description', options.description),
      ...this.clusterFlags(options),
      ...this.debugFlag(options),
    ];
  }

  private clusterFlags(options: ClusterOptions): string[] {
    return clusterFlags({
      kubeContext: options.kubeContext ?? this.config.kubeContext,
      kubeconfig: options.kubeconfig ?? this.config.kubeconfig,
      namespace: options.namespace ?? this.config.namespace,
    });
  }

  /** With a progress listener, ask helm to say what it is doing (it is silent while waiting otherwise). */
  private debugFlag(options: CallOptions): string[] {
    return options.onProgress ? ['--debug'] : [];
  }

  private async json<T>(args: string[], options: CallOptions): Promise<T> {
    const jsonArgs = [...args, '--output', 'json'];
    const result = await this.run(jsonArgs, options);
    try {
      return JSON.parse(result.stdout) as T;
    } catch {
      throw new HelmError({ binary: this.binary.path, args: jsonArgs, exitCode: 0, stdout: result.stdout, stderr: 'Error: helm printed no JSON' });
    }
  }

  private run(args: string[], options: CallOptions & { progressFromStdout?: boolean } = {}): Promise<RunResult> {
    return runCommand(this.binary.path, args, {
      errorType: HelmError,
      env: this.config.env,
      onProgress: options.onProgress,
      progressFromStdout: options.progressFromStdout,
      signal: options.signal,
    });
  }
}

/** The `[SEVERITY] message` findings of `helm lint` output; indented lines continue a message. */
export function lintFindings(stdout: string): LintFinding[] {
  const findings: LintFinding[] = [];
  let last: LintFinding | undefined;
  for (const line of stdout.split('\n')) {
    const match = /^\[(INFO|WARNING|ERROR)\] (.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) {
      last = { severity: match[1] as LintFinding['severity'], message: match[2] };
      findings.push(last);
    } else if (!line.trim()) {
      last = undefined; // a blank line ends a multi-line finding
    } else if (last && !line.startsWith('==>')) {
      last.message += `\n${line}`;
    }
  }
  return findings;
}
