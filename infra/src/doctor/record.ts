// Writes a Snapshot as a scenario directory: the files kubectl and helm print for one cluster
// state, which the tests read back (loadScenario) and serve (the fake kubectl and helm, both in
// __fixtures__/scenarios.ts). So a live cluster's state becomes a fixture: `infra:doctor --record`.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ApiService, KubeObject } from '@todo/kube';
import { METRICS_API_SERVICE, METRICS_NOT_INSTALLED } from './collect';
import { formatSecretKeys, releaseSummary, type ContainerLog, type Snapshot } from './snapshot';

/**
 * The files of a scenario directory, each as the command prints it:
 *   meta           release, namespace, context, server, collectedAt; `unreachable: true` makes every API call fail
 *   objects        kubectl get <RELEASE_KINDS> -l app.kubernetes.io/instance=<release> -o json
 *   events         kubectl get events -o json
 *   secrets        kubectl get secrets -o go-template=<SECRET_KEYS_TEMPLATE>
 *   ingressClasses kubectl get ingressclasses -o json (absent: none)
 *   apiService     kubectl get apiservice v1beta1.metrics.k8s.io -o json (absent: NotFound)
 *   helmStatus, helmHistory  helm status/history -o json (absent: release: not found)
 * and logFile(…) per container log: kubectl logs (absent: kubectl's error).
 */
export const SCENARIO_FILES = {
  meta: 'meta.json',
  objects: 'objects.json',
  events: 'events.json',
  secrets: 'secrets.txt',
  ingressClasses: 'ingressclasses.json',
  apiService: 'apiservice.json',
  helmStatus: 'helm-status.json',
  helmHistory: 'helm-history.json',
} as const;

export interface ScenarioMeta {
  /** As collected; absent in the hand-written fixtures, which are all release "todo" in namespace "todo". */
  release?: string;
  namespace?: string;
  context: string;
  server?: string;
  collectedAt: string;
  unreachable?: boolean;
}

export const logFile = (log: Pick<ContainerLog, 'pod' | 'container' | 'previous'>) => `logs/${log.pod}.${log.container}${log.previous ? '.previous' : ''}.log`;

/**
 * Left out of every object: API-server bookkeeping that changes on every write, and the
 * `checksum/*` annotations (an unsalted hash of a Secret, crackable for a chosen password).
 * No check reads them. uids stay: they tie owners and events to objects.
 */
const NOISE = new Set(['managedFields', 'resourceVersion']);
const quiet = <T>(value: T): T => JSON.parse(JSON.stringify(value, (key, v: unknown) => (NOISE.has(key) || key.startsWith('checksum/') ? undefined : v))) as T;

/**
 * What a recording keeps of a snapshot: everything the checks read. Left out are the noise
 * above and, of `helm status`, what releaseSummary leaves out (the collector trims it already;
 * this keeps a hand-made snapshot safe too).
 */
export function recordable(snapshot: Snapshot): Snapshot {
  const { status, history } = snapshot.helm;
  return {
    ...snapshot,
    objects: quiet(snapshot.objects),
    events: quiet(snapshot.events),
    ingressClasses: quiet(snapshot.ingressClasses),
    helm: status ? { status: releaseSummary(status), history: history ?? [] } : snapshot.helm,
  };
}

/**
 * Writes the scenario into `dir` (created; an earlier recording there is replaced) and returns
 * the files written. Not recordable, so read back differently: why helm or a log could not be
 * read (absent files read as "not found"), the gaps, and whether a failed metrics read was an error.
 */
export function recordScenario(snapshot: Snapshot, dir: string): string[] {
  const s = recordable(snapshot);
  const meta: ScenarioMeta = { release: s.release, namespace: s.namespace, context: s.context, server: s.server, collectedAt: s.collectedAt };
  const files: [string, string][] = [
    [SCENARIO_FILES.meta, json(meta)],
    [SCENARIO_FILES.objects, json(kubeList(Object.values(s.objects).flat()))],
    [SCENARIO_FILES.events, json(kubeList(s.events))],
    [SCENARIO_FILES.secrets, formatSecretKeys(s.secrets)],
  ];
  if (s.ingressClasses.length) files.push([SCENARIO_FILES.ingressClasses, json(kubeList(s.ingressClasses))]);
  const apiService = metricsApiService(s.metrics);
  if (apiService) files.push([SCENARIO_FILES.apiService, json(apiService)]);
  // A log read but empty is an empty file: an absent one would read back as unavailable.
  for (const log of s.logs) if (!log.error) files.push([logFile(log), log.lines.map((l) => `${l}\n`).join('')]);
  if (s.helm.status) files.push([SCENARIO_FILES.helmStatus, json(s.helm.status)], [SCENARIO_FILES.helmHistory, json(s.helm.history)]);

  prepare(dir);
  for (const [file, text] of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return files.map(([file]) => file);
}

/** Two-space JSON with a final newline: stable and readable in a diff. */
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** A List as `kubectl get … -o json` prints it. */
const kubeList = (items: readonly KubeObject[]) => ({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } });

/** The snapshot keeps only what metricsAvailability made of the APIService; this is the smallest one that reads the same. */
function metricsApiService(metrics: Snapshot['metrics']): ApiService | undefined {
  if (!metrics.available && metrics.reason === METRICS_NOT_INSTALLED) return undefined;
  const available = metrics.available ? { status: 'True' as const } : { status: 'False' as const, message: metrics.reason };
  return { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: METRICS_API_SERVICE }, status: { conditions: [{ type: 'Available', ...available }] } };
}

/** A new or empty directory, or an earlier recording whose files go; anything else is refused. */
function prepare(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length && !existsSync(path.join(dir, SCENARIO_FILES.meta))) {
    throw new Error(`${dir} is neither empty nor a recorded scenario (no ${SCENARIO_FILES.meta}): not writing into it`);
  }
  for (const file of [...Object.values(SCENARIO_FILES), 'logs']) rmSync(path.join(dir, file), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}
