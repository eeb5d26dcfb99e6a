// The record of one running cluster (.cluster/record.json): what cluster-up started and
// changed, written after every step so cluster-down can undo a half-finished start too.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { DaemonRecord } from './daemons';
import type { IptablesRule } from './host';
import type { ChainSnapshot } from './iptables';

export interface ClusterRecord {
  workspace: string;
  nodeIp: string;
  startedAt: string;
  /** sysctl values before cluster-up changed anything */
  sysctls: Record<string, string>;
  iptables: IptablesRule[];
  /** iptables chains before anything started: any chain added since (KUBE-…, CNI-…) is the cluster's */
  chainsBefore: ChainSnapshot;
  /** in start order; cluster-down stops them in reverse */
  daemons: DaemonRecord[];
  /** whether /tmp/hostpath_pv existed before (then cluster-down leaves the folder) */
  hostpathVolumesExisted: boolean;
}

export function readRecord(file: string): ClusterRecord | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterRecord;
}

export function writeRecord(file: string, record: ClusterRecord): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
