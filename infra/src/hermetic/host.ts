// The host changes the cluster needs, each recorded so cluster-down can undo exactly it:
// sysctls (ours, and those the kubelet and kube-proxy rewrite) and iptables rules tagged
// with a comment. Docker's FORWARD policy is DROP, hence the rules for the pod range.
import { readFileSync, writeFileSync } from 'node:fs';
import { attemptCommand, runCommand } from '@todo/kube';
import { NETWORK } from './layout';

export const TAG = 'todo-hermetic';

/** What the cluster sets before it starts. */
export const SYSCTLS_SET: Record<string, string> = {
  'net.ipv4.ip_forward': '1',
  'net.bridge.bridge-nf-call-iptables': '1',
  'fs.inotify.max_user_instances': '512',
  'fs.inotify.max_user_watches': '524288',
};
/** What the kubelet and kube-proxy change on their own; saved before they start. */
export const SYSCTLS_CHANGED_BY_COMPONENTS = [
  'kernel.panic',
  'kernel.panic_on_oops',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'net.ipv4.conf.all.route_localnet',
  'net.netfilter.nf_conntrack_max',
  'net.netfilter.nf_conntrack_tcp_timeout_established',
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
];

/** One iptables rule: table, chain and the rule's own arguments. */
export interface IptablesRule {
  table: string;
  chain: string;
  spec: string[];
}

export const FORWARD_RULES: IptablesRule[] = [
  { table: 'filter', chain: 'FORWARD', spec: ['-s', NETWORK.podCidr, '-m', 'comment', '--comment', TAG, '-j', 'ACCEPT'] },
  { table: 'filter', chain: 'FORWARD', spec: ['-d', NETWORK.podCidr, '-m', 'comment', '--comment', TAG, '-j', 'ACCEPT'] },
];

/** The NFQUEUE the NetworkPolicy controller answers (accept or drop) for new connections. */
export const NETWORK_POLICY_QUEUE = 100;

/**
 * What sends every pod's new connections to that queue. kube-network-policies would steer
 * itself with nftables' `queue`, which this kernel lacks (CONFIG_NFT_QUEUE); iptables'
 * NFQUEUE target reaches the same queue. In POSTROUTING, after kube-proxy's DNAT, so a
 * Service's backend pod is seen; never the host's root processes (the kubelet's probes) nor
 * DNS over UDP. No --queue-bypass: with the controller gone, pods get no new connections
 * rather than unpoliced ones.
 */
export const NETWORK_POLICY_RULES: IptablesRule[] = (['-s', '-d'] as const).flatMap((side) =>
  [['!', '-p', 'udp'], ['-p', 'udp', '!', '--dport', '53']].map((protocol) => ({
    table: 'mangle',
    chain: 'POSTROUTING',
    spec: [side, NETWORK.podCidr, ...protocol, '-m', 'conntrack', '--ctstate', 'NEW', '-m', 'owner', '!', '--uid-owner', '0', '-m', 'comment', '--comment', TAG, '-j', 'NFQUEUE', '--queue-num', String(NETWORK_POLICY_QUEUE)],
  })),
);

/** The kernel's NFQUEUE table: one line per queue a process listens on (absent: the module is not loaded). */
export const QUEUES = '/proc/net/netfilter/nfnetlink_queue';

export function queueBound(queue: number, table = readFileSync(QUEUES, 'utf8')): boolean {
  return table.split('\n').some((line) => line.trim().split(/\s+/)[0] === String(queue));
}

const sysctlPath = (name: string) => `/proc/sys/${name.replace(/\./g, '/')}`;

export function readSysctl(name: string): string | undefined {
  try {
    return readFileSync(sysctlPath(name), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Reads every sysctl the cluster may change; keys it cannot read are left out. */
export function saveSysctls(): Record<string, string> {
  const saved: Record<string, string> = {};
  for (const name of [...Object.keys(SYSCTLS_SET), ...SYSCTLS_CHANGED_BY_COMPONENTS]) {
    const value = readSysctl(name);
    if (value !== undefined) saved[name] = value;
  }
  return saved;
}

export function writeSysctls(values: Record<string, string>): string[] {
  const failed: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (readSysctl(name) === value) continue;
    try {
      writeFileSync(sysctlPath(name), value);
    } catch (err) {
      failed.push(`${name}=${value}: ${(err as Error).message}`);
    }
  }
  return failed;
}

/** Pod mounts must propagate between the kubelet and containerd. */
export async function makeRootShared(): Promise<void> {
  await runCommand('mount', ['--make-rshared', '/']);
}

export async function addRule(rule: IptablesRule): Promise<void> {
  const exists = await attemptCommand('iptables', ['-w', '-t', rule.table, '-C', rule.chain, ...rule.spec]);
  if (!exists.ok) await runCommand('iptables', ['-w', '-t', rule.table, '-I', rule.chain, '1', ...rule.spec]);
}

/** Deletes every copy of the rule; true if one was there. */
export async function removeRule(rule: IptablesRule): Promise<boolean> {
  let removed = false;
  while ((await attemptCommand('iptables', ['-w', '-t', rule.table, '-D', rule.chain, ...rule.spec])).ok) removed = true;
  return removed;
}
