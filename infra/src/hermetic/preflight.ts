// What cluster-up checks before it changes anything: each problem is one line naming its fix.
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { findOnPath, isExecutable } from '@todo/kube';
import { NETWORK_POLICY_QUEUE, QUEUES, queueBound } from './host';
import { NETWORK } from './layout';

export const CNI_BIN_DIR = '/usr/lib/cni';
const APT = 'apt-get install -y containerd runc containernetworking-plugins iptables conntrack socat openssl gcc libc6-dev';

/** Host programs the cluster runs, and the Debian package each comes from. */
export const HOST_PROGRAMS: Record<string, string> = {
  containerd: 'containerd',
  'containerd-shim-runc-v2': 'containerd',
  ctr: 'containerd',
  runc: 'runc',
  iptables: 'iptables',
  conntrack: 'conntrack',
  socat: 'socat',
  openssl: 'openssl',
  mount: 'mount',
  ip: 'iproute2',
  go: 'golang (Go 1.25 or newer)',
  gcc: 'gcc',
  docker: 'docker.io (builds the cluster images: tools/containers/docker-engine.sh)',
};
const CNI_PLUGINS = ['bridge', 'host-local', 'portmap', 'loopback'];
export const PORTS = [NETWORK.etcdClientPort, NETWORK.etcdPeerPort, NETWORK.apiserverPort, 10248, 10249, 10250, 10256, 10257, 10259];

export interface Host {
  platform: string;
  uid: number;
  env: NodeJS.ProcessEnv;
}

/** Problems that stop cluster-up, each naming its fix; empty when the machine can run the cluster. */
export async function preflight(host: Host = { platform: process.platform, uid: process.getuid?.() ?? -1, env: process.env }): Promise<string[]> {
  if (host.platform !== 'linux') return [`the hermetic cluster runs only on Linux (this is ${host.platform}): use Minikube (npm run nx -- run infra:minikube-up)`];
  const problems: string[] = [];
  if (host.uid !== 0) problems.push('not root: the kubelet, containerd and iptables need root; run it as root (e.g. sudo -E env "PATH=$PATH" npm run nx -- run infra:cluster-up)');
  const missing = Object.entries(HOST_PROGRAMS).filter(([program]) => !findOnPath(program, host.env['PATH']));
  if (missing.length) problems.push(`missing ${missing.map(([p, pkg]) => `${p} (package ${pkg})`).join(', ')}: ${APT}`);
  const plugins = CNI_PLUGINS.filter((p) => !isExecutable(path.join(CNI_BIN_DIR, p)));
  if (plugins.length) problems.push(`missing CNI plugins ${plugins.join(', ')} in ${CNI_BIN_DIR}: apt-get install -y containernetworking-plugins`);
  if (!readText('/proc/filesystems').includes('overlay')) problems.push('the kernel has no overlay filesystem: modprobe overlay');
  if (!existsSync('/proc/sys/net/bridge')) problems.push('bridge netfilter is off (no /proc/sys/net/bridge): modprobe br_netfilter');
  if (!existsSync(QUEUES) && !kernelHas('nfnetlink_queue')) problems.push('the kernel has no NFQUEUE (nfnetlink_queue), which enforces NetworkPolicies: a kernel built with CONFIG_NETFILTER_NETLINK_QUEUE');
  else if (existsSync(QUEUES) && queueBound(NETWORK_POLICY_QUEUE, readText(QUEUES))) problems.push(`NFQUEUE ${NETWORK_POLICY_QUEUE} is taken by another process (cat ${QUEUES}): a cluster already running? npm run nx -- run infra:cluster-down`);
  if (!existsSync('/sys/fs/cgroup/cpu') && !existsSync('/sys/fs/cgroup/cgroup.controllers')) problems.push('no cgroup hierarchy at /sys/fs/cgroup: mount cgroups (v1 or v2)');
  const taken = (await Promise.all(PORTS.map(async (port) => ((await portFree(port)) ? null : port)))).filter((p) => p !== null);
  if (taken.length) problems.push(`ports in use: ${taken.join(', ')} (a cluster is already running? npm run nx -- run infra:cluster-down; else stop what listens: ss -ltnp)`);
  return problems;
}

/** Loaded (its /sys/module entry), or a module modprobe can load. */
function kernelHas(module: string): boolean {
  if (existsSync(`/sys/module/${module}`)) return true;
  const release = readText('/proc/sys/kernel/osrelease').trim();
  return [`/lib/modules/${release}/modules.builtin`, `/lib/modules/${release}/modules.dep`].some((f) => readText(f).includes(`/${module}.ko`));
}

const readText = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** Whether nothing listens on the port on any address. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
