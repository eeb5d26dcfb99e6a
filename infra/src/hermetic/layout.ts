// Where the hermetic cluster keeps things. Built binaries: in the workspace, per version,
// so a second cluster-up skips the build. The kubeconfig, keys, logs and the record of
// what was started: in the workspace's .cluster/. Runtime state (etcd, containerd, the
// kubelet's pods): machine paths, because unix sockets must stay under 108 characters and
// workspace tools must never walk a container's root filesystem.
import path from 'node:path';
import { root } from '../workspace';
import { KUBERNETES_VERSION } from './versions';

export interface Layout {
  /** .tools/kubernetes/<version>: Go modules and the binaries built from them */
  toolsDir: string;
  binDir: string;
  /** the multi-call binary: etcd and every Kubernetes component */
  nodeBinary: string;
  /** .cluster: what one running cluster needs and leaves behind */
  clusterDir: string;
  pkiDir: string;
  logsDir: string;
  kubeconfig: string;
  /** what cluster-up started and changed, so cluster-down undoes exactly that */
  recordFile: string;
  /** /var/lib/todo-hermetic: etcd's data, containerd's images, the kubelet's pods */
  varDir: string;
  /** /run/todo-hermetic: sockets and containerd's state */
  runDir: string;
  containerdSocket: string;
  /** where kube-controller-manager's hostPath provisioner creates volumes (fixed by it) */
  hostpathVolumes: string;
}

export function layout(workspace = root, version = KUBERNETES_VERSION): Layout {
  const toolsDir = path.join(workspace, '.tools', 'kubernetes', version);
  const clusterDir = path.join(workspace, '.cluster');
  const runDir = '/run/todo-hermetic';
  return {
    toolsDir,
    binDir: path.join(toolsDir, 'bin'),
    nodeBinary: path.join(toolsDir, 'bin', 'node'),
    clusterDir,
    pkiDir: path.join(clusterDir, 'pki'),
    logsDir: path.join(clusterDir, 'logs'),
    kubeconfig: path.join(clusterDir, 'kubeconfig'),
    recordFile: path.join(clusterDir, 'record.json'),
    varDir: '/var/lib/todo-hermetic',
    runDir,
    containerdSocket: path.join(runDir, 'containerd.sock'),
    hostpathVolumes: '/tmp/hostpath_pv',
  };
}

/** The cluster's fixed addresses: one node, the pod and Service ranges, DNS. */
export const NETWORK = {
  podCidr: '10.244.0.0/16',
  podSubnet: '10.244.0.0/24',
  serviceCidr: '10.96.0.0/12',
  apiServiceIp: '10.96.0.1',
  dnsIp: '10.96.0.10',
  bridge: 'todo-hermetic0',
  nodeName: 'todo-hermetic',
  apiserverPort: 6443,
  etcdClientPort: 2379,
  etcdPeerPort: 2380,
} as const;

/** The kube context cluster-up writes into its kubeconfig. */
export const CONTEXT = 'todo-hermetic';
