// The running node, from the outside: its address, the images in its containerd (imported
// from Docker, the only image source here), and the admin kubectl against it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { Docker, ensurePinnedKubectl, Kubectl, KubectlError, runCommand } from '@todo/kube';
import { normaliseRef } from '../deploy/plan';
import { root } from '../workspace';
import { CONTEXT, type Layout, NETWORK } from './layout';

/** The IPv4 address of the interface the default route leaves through (/proc/net/route). */
export function nodeAddress(routes = readFileSync('/proc/net/route', 'utf8'), interfaces = networkInterfaces()): string {
  const iface = routes
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .find((fields) => fields[1] === '00000000')?.[0];
  const address = iface ? interfaces[iface]?.find((a) => a.family === 'IPv4' && !a.internal)?.address : undefined;
  if (!address) throw new Error('found no IPv4 address on the default route\'s interface: the node needs one (the API server advertises it to pods)');
  return address;
}

/** `ctr` against the cluster's containerd, in the namespace the kubelet uses. */
const ctr = (l: Layout, args: string[], env?: NodeJS.ProcessEnv) => runCommand('ctr', ['--address', l.containerdSocket, '--namespace', 'k8s.io', ...args], { env });

/** The image references the node's containerd has, e.g. docker.io/library/todo-api:nx-1. */
export async function nodeImages(l: Layout): Promise<string[]> {
  return (await ctr(l, ['images', 'list', '--quiet'])).stdout.split('\n').filter(Boolean);
}

/** Copies the images the node lacks from Docker into its containerd; returns those copied. */
export async function importImages(l: Layout, refs: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const have = new Set((await nodeImages(l)).map(normaliseRef));
  const missing = refs.filter((ref) => !have.has(normaliseRef(ref)));
  if (missing.length === 0) return [];
  const scratch = mkdtempSync(path.join(l.varDir, 'import-'));
  try {
    const archive = path.join(scratch, 'images.tar');
    await new Docker({ env }).run(['save', '--output', archive, ...missing]);
    await ctr(l, ['images', 'import', archive], env);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return missing;
}

/** The admin's kubectl against the cluster (the workspace's pinned one: a kubectl on PATH may be a cloud SDK's shim). */
export async function adminKubectl(l: Layout, requestTimeout = '20s'): Promise<Kubectl> {
  const env = { ...process.env, KUBECONFIG: l.kubeconfig, KUBECTL_BIN: await ensurePinnedKubectl(root) };
  return Kubectl.create({ workspaceRoot: root, kubeconfig: l.kubeconfig, context: CONTEXT, env, requestTimeout });
}

/** The admin's kubectl and the few calls cluster-up and cluster-down make with it. */
export async function ready(l: Layout) {
  const kubectl = await adminKubectl(l);
  return {
    kubectl,
    nodeReady: async () => {
      const node = await kubectl.json<{ status?: { conditions?: { type: string; status: string }[] } }>(['get', 'node', NETWORK.nodeName, '-o', 'json']);
      return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    },
    apply: async (manifest: string) => {
      await runCommand(kubectl.binary.path, [...kubectl.targetArgs(), 'apply', '--server-side', '--force-conflicts', '-f', '-'], { input: manifest, errorType: KubectlError });
    },
    rolloutStatus: async (namespace: string, what: string, timeout: string) => {
      await kubectl.run(['--namespace', namespace, 'rollout', 'status', what, `--timeout=${timeout}`]);
    },
  };
}
