// infra:cluster-down: undoes what the record says cluster-up did, in reverse. Workloads
// and volumes go first (while the kubelet can still tear pods down through CNI), then each
// process by its recorded PID, then mounts, the bridge, iptables rules, state and sysctls.
import { existsSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { attemptCommand } from '@todo/kube';
import type { Timed } from './build';
import { NETWORK_POLICY_TABLE, networkPolicyTableCommand } from './components';
import { isRunning, stopDaemon } from './daemons';
import { readSysctl, removeRule, writeSysctls } from './host';
import { newChains, removeNewChains, snapshotChains } from './iptables';
import { type Layout, layout, NETWORK } from './layout';
import { ready } from './node';
import { type ClusterRecord, readRecord } from './record';

export async function clusterDown(l: Layout = layout(), timed: Timed): Promise<void> {
  const record = readRecord(l.recordFile);
  if (!record) {
    console.log(`no cluster recorded in ${l.recordFile}: nothing to stop`);
    return;
  }
  const running = (name: string) => record.daemons.some((d) => d.name === name && isRunning(d));
  if (running('kube-apiserver') && running('kubelet') && existsSync(l.kubeconfig)) {
    await timed('delete workloads and volumes (the kubelet removes their pods and networks)', async () => {
      const { kubectl } = await ready(l);
      const run = (args: string[]) => attemptCommand(kubectl.binary.path, [...kubectl.targetArgs(), '--request-timeout=30s', ...args]);
      const namespaces = (await run(['get', 'namespaces', '-o', 'name'])).stdout.split('\n').filter((n) => n && !/^namespace\/(default|kube-system|kube-public|kube-node-lease)$/.test(n));
      if (namespaces.length) await run(['delete', ...namespaces, '--wait=true', '--timeout=90s']);
      await run(['delete', 'deployments,statefulsets,daemonsets,jobs,pvc', '--all', '--all-namespaces', '--wait=true', '--timeout=60s']);
      await run(['delete', 'pods', '--all', '--all-namespaces', '--grace-period=5', '--wait=true', '--timeout=60s']);
    });
  }
  await timed('stop the processes cluster-up started (by recorded PID)', async () => {
    for (const daemon of [...record.daemons].reverse()) {
      if (daemon.name === 'containerd' && isRunning(daemon)) await killTasks(l);
      const stopped = await stopDaemon(daemon);
      console.log(`  ${daemon.name} (PID ${daemon.pid}): ${stopped ? 'stopped' : 'not running'}`);
    }
    await stopShims(l);
    // The controller deletes its table on SIGTERM; if it died instead, pods it policed would lose traffic.
    const cleanup = networkPolicyTableCommand(l, 'cleanup');
    if (existsSync(cleanup.binary)) await attemptCommand(cleanup.binary, cleanup.args);
  });
  await timed('unmount and remove state, the bridge, iptables rules and chains', async () => {
    for (const mount of mountsUnder([l.runDir, l.varDir])) await attemptCommand('umount', ['--lazy', mount]);
    const stillMounted = mountsUnder([l.runDir, l.varDir]);
    if (stillMounted.length) throw new Error(`still mounted, so nothing is deleted: ${stillMounted.join(', ')}`);
    await attemptCommand('ip', ['link', 'delete', NETWORK.bridge]);
    for (const rule of record.iptables) await removeRule(rule);
    const chains = await removeNewChains(record.chainsBefore ?? {});
    if (chains) console.log(`  removed ${chains} chains the kubelet, kube-proxy and CNI created`);
    removePodCgroups();
    removeContainerLogLinks(path.join(l.varDir, 'pod-logs'));
    rmSync(l.runDir, { recursive: true, force: true });
    rmSync(l.varDir, { recursive: true, force: true });
    if (!record.hostpathVolumesExisted) rmSync(l.hostpathVolumes, { recursive: true, force: true });
  });
  await timed('restore the sysctls as they were', async () => {
    const failed = writeSysctls(record.sysctls);
    if (failed.length) console.log(`  could not restore: ${failed.join('; ')}`);
  });
  const left = await leftovers(l, record);
  if (left.length) throw new Error(`cluster-down left behind:\n${left.map((x) => `  - ${x}`).join('\n')}\n(the record stays in ${l.recordFile}; run cluster-down again)`);
  for (const dir of ['pki', 'kubeconfigs', 'config']) rmSync(path.join(l.clusterDir, dir), { recursive: true, force: true });
  rmSync(l.kubeconfig, { force: true });
  rmSync(l.recordFile, { force: true });
  console.log(`cluster down: no process, mount, bridge, rule or setting of it is left; its logs stay in ${l.logsDir}/`);
}

/** What is still there that cluster-up made: empty when the machine is as it was. */
export async function leftovers(l: Layout, record: ClusterRecord): Promise<string[]> {
  const left: string[] = [];
  for (const d of record.daemons) if (isRunning(d)) left.push(`${d.name} (PID ${d.pid}) still runs`);
  for (const m of mountsUnder([l.runDir, l.varDir])) left.push(`mount ${m}`);
  if ((await attemptCommand('ip', ['link', 'show', NETWORK.bridge])).ok) left.push(`network interface ${NETWORK.bridge}`);
  for (const rule of record.iptables) {
    if ((await attemptCommand('iptables', ['-w', '-t', rule.table, '-C', rule.chain, ...rule.spec])).ok) left.push(`iptables rule ${rule.chain} ${rule.spec.join(' ')}`);
  }
  for (const [name, value] of Object.entries(record.sysctls)) {
    const now = readSysctl(name);
    if (now !== undefined && now !== value) left.push(`sysctl ${name} is ${now}, was ${value}`);
  }
  for (const dir of [l.runDir, l.varDir]) if (existsSync(dir)) left.push(`folder ${dir}`);
  for (const c of newChains(record.chainsBefore ?? {}, await snapshotChains())) left.push(`${c.family} chain ${c.table}/${c.chain}`);
  for (const dir of podCgroups()) left.push(`cgroup ${dir}`);
  const table = networkPolicyTableCommand(l, 'check');
  if (existsSync(table.binary)) {
    const check = await attemptCommand(table.binary, table.args);
    if (check.ok) left.push(`nftables table inet ${NETWORK_POLICY_TABLE}`);
    else if (check.exitCode !== 1) left.push(`nftables could not be read to check for table inet ${NETWORK_POLICY_TABLE}: ${check.stderr.trim()}`);
  }
  return left;
}

/** The kubelet links each container's log into /var/log/containers (a fixed path): remove our links. */
function removeContainerLogLinks(podLogsDir: string): void {
  const dir = '/var/log/containers';
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const link = path.join(dir, name);
    try {
      if (readlinkSync(link).startsWith(`${podLogsDir}/`)) rmSync(link);
    } catch {
      /* not a link */
    }
  }
}

/** The kubelet's `kubepods` cgroups, one per mounted hierarchy (cgroup v1) or the unified one. */
function podCgroups(): string[] {
  const roots = existsSync('/sys/fs/cgroup/cgroup.controllers') ? ['/sys/fs/cgroup'] : readdirSync('/sys/fs/cgroup').map((d) => path.join('/sys/fs/cgroup', d));
  return roots.map((r) => path.join(r, 'kubepods')).filter((d) => existsSync(d));
}

/** Removes the (by now empty) kubepods cgroup trees, deepest first; a cgroup with a process left stays and is reported. */
function removePodCgroups(): void {
  const remove = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) remove(path.join(dir, entry.name));
    try {
      rmdirSync(dir);
    } catch {
      /* still has a process: leftovers() names it */
    }
  };
  for (const dir of podCgroups()) remove(dir);
}

/** Mount points under the given folders, deepest first (so parents unmount last). */
export function mountsUnder(dirs: string[], mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => !!p && dirs.some((d) => p === d || p.startsWith(`${d}/`)))
    .map((p) => p.replace(/\\040/g, ' '));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Kills and removes every container still running in the cluster's containerd. */
async function killTasks(l: Layout): Promise<void> {
  const ctr = (args: string[]) => attemptCommand('ctr', ['--address', l.containerdSocket, '--namespace', 'k8s.io', ...args]);
  const tasks = (await ctr(['tasks', 'list', '--quiet'])).stdout.split('\n').filter(Boolean);
  for (const id of tasks) await ctr(['tasks', 'kill', '--signal', 'SIGKILL', id]);
  for (const id of tasks) await ctr(['tasks', 'delete', '--force', id]);
  if (tasks.length) console.log(`  killed ${tasks.length} containers the kubelet left`);
}

/**
 * containerd's shims outlive containerd by design. Ours are the containerd-shim-runc-v2
 * processes whose command line names our containerd's socket.
 */
async function stopShims(l: Layout): Promise<void> {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes('containerd-shim') && cmdline.includes(l.containerdSocket)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone already */
      }
    }
  }
}
