// Options → helm flags. The one place that knows how helm 3 and helm 4 spell them.

export interface ClusterOptions {
  /** `--kube-context`: a context of the kubeconfig. */
  kubeContext?: string;
  /** `--kubeconfig`: path of the kubeconfig file. */
  kubeconfig?: string;
  /** `--namespace`: the release's namespace. */
  namespace?: string;
}

/** A value for `set`: strings stay strings (`--set-string`), others keep their type (`--set`); null removes a key. */
export type SetValue = string | number | boolean | null;

export interface ValuesOptions {
  /** Values files (`-f`), later ones win. */
  values?: readonly string[];
  /** Single values by dotted key, e.g. `{ 'web.replicas': 2, 'image.tag': '1.0' }`. */
  set?: Readonly<Record<string, SetValue>>;
  /** Structured values (`--set-json`), e.g. `{ 'web.env': [{ name: 'A', value: 'b' }] }`. */
  setJson?: Readonly<Record<string, unknown>>;
}

/** helm 4 wait strategies; `true` means `watcher`. helm 3 only knows wait or not. */
export type WaitStrategy = 'watcher' | 'legacy' | 'hookOnly';

export function clusterFlags(options: ClusterOptions): string[] {
  return [
    ...flag('--kube-context', options.kubeContext),
    ...flag('--kubeconfig', options.kubeconfig),
    ...flag('--namespace', options.namespace),
  ];
}

export function valuesFlags(options: ValuesOptions): string[] {
  const args: string[] = [];
  for (const file of options.values ?? []) args.push('--values', file);
  for (const [key, value] of Object.entries(options.set ?? {})) {
    // helm splits --set on commas and reads backslash escapes: escape both so a value is taken as given.
    if (typeof value === 'string') args.push('--set-string', `${key}=${value.replace(/[\\,]/g, '\\$&')}`);
    else args.push('--set', `${key}=${value === null ? 'null' : String(value)}`);
  }
  for (const [key, value] of Object.entries(options.setJson ?? {})) args.push('--set-json', `${key}=${JSON.stringify(value)}`);
  return args;
}

export function waitFlags(wait: boolean | WaitStrategy | undefined, helmMajor: number): string[] {
  if (wait === undefined || wait === false) return [];
  const strategy = wait === true ? 'watcher' : wait;
  if (helmMajor >= 4) return [`--wait=${strategy}`];
  return strategy === 'hookOnly' ? [] : ['--wait']; // helm 3 always waits for hooks
}

/** helm 4 renamed `--atomic` to `--rollback-on-failure`. */
export function rollbackOnFailureFlags(enabled: boolean | undefined, helmMajor: number): string[] {
  if (!enabled) return [];
  return [helmMajor >= 4 ? '--rollback-on-failure' : '--atomic'];
}

export function flag(name: string, value: string | number | undefined): string[] {
  return value === undefined || value === '' ? [] : [`${name}=${value}`];
}

export function switchFlag(name: string, enabled: boolean | undefined): string[] {
  return enabled ? [name] : [];
}
