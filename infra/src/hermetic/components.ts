// The command line of each host process, as pure functions of the layout and the node's
// address (the tests read them). Order of start-up: etcd, kube-apiserver, the controller
// manager and scheduler, containerd, the kubelet, kube-proxy, the NetworkPolicy controller.
import path from 'node:path';
import { NETWORK_POLICY_QUEUE } from './host';
import { type Layout, NETWORK } from './layout';

export interface Component {
  name: string;
  binary: string;
  args: string[];
}

const pki = (l: Layout, file: string) => path.join(l.pkiDir, file);
const kubeconfig = (l: Layout, who: string) => path.join(l.clusterDir, 'kubeconfigs', `${who}.yaml`);

export function etcd(l: Layout): Component {
  return {
    name: 'etcd',
    binary: l.nodeBinary,
    args: [
      'etcd',
      `--data-dir=${path.join(l.varDir, 'etcd')}`,
      `--listen-client-url=https://127.0.0.1:${NETWORK.etcdClientPort}`,
      `--listen-peer-url=http://127.0.0.1:${NETWORK.etcdPeerPort}`,
      `--cert-file=${pki(l, 'etcd.crt')}`,
      `--key-file=${pki(l, 'etcd.key')}`,
      `--trusted-ca-file=${pki(l, 'ca.crt')}`,
    ],
  };
}

export function apiserver(l: Layout, nodeIp: string): Component {
  return {
    name: 'kube-apiserver',
    binary: l.nodeBinary,
    args: [
      'kube-apiserver',
      `--etcd-servers=https://127.0.0.1:${NETWORK.etcdClientPort}`,
      `--etcd-cafile=${pki(l, 'ca.crt')}`,
      `--etcd-certfile=${pki(l, 'apiserver-etcd-client.crt')}`,
      `--etcd-keyfile=${pki(l, 'apiserver-etcd-client.key')}`,
      `--advertise-address=${nodeIp}`,
      `--bind-address=${nodeIp}`,
      `--secure-port=${NETWORK.apiserverPort}`,
      `--tls-cert-file=${pki(l, 'apiserver.crt')}`,
      `--tls-private-key-file=${pki(l, 'apiserver.key')}`,
      `--client-ca-file=${pki(l, 'ca.crt')}`,
      `--token-auth-file=${pki(l, 'tokens.csv')}`,
      '--authorization-mode=Node,RBAC',
      '--enable-admission-plugins=NodeRestriction',
      '--anonymous-auth=false',
      '--profiling=false',
      `--service-cluster-ip-range=${NETWORK.serviceCidr}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki(l, 'service-account.pub')}`,
      `--service-account-signing-key-file=${pki(l, 'service-account.key')}`,
      `--kubelet-client-certificate=${pki(l, 'apiserver-kubelet-client.crt')}`,
      `--kubelet-client-key=${pki(l, 'apiserver-kubelet-client.key')}`,
      '--kubelet-preferred-address-types=InternalIP',
      // The aggregation layer (metrics-server) and its front-proxy identity.
      `--requestheader-client-ca-file=${pki(l, 'front-proxy-ca.crt')}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--proxy-client-cert-file=${pki(l, 'front-proxy-client.crt')}`,
      `--proxy-client-key-file=${pki(l, 'front-proxy-client.key')}`,
      '--enable-aggregator-routing=true',
    ],
  };
}

/** What the controller manager and the scheduler share: one identity for the API server
 * and for checking their own callers, the front proxy's CA, one instance, loopback only. */
function controlPlaneClient(l: Layout, who: 'controller-manager' | 'scheduler'): string[] {
  const kc = kubeconfig(l, who);
  return [
    `--kubeconfig=${kc}`,
    `--authentication-kubeconfig=${kc}`,
    `--authorization-kubeconfig=${kc}`,
    `--requestheader-client-ca-file=${pki(l, 'front-proxy-ca.crt')}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    '--profiling=false',
  ];
}

export function controllerManager(l: Layout): Component {
  return {
    name: 'kube-controller-manager',
    binary: l.nodeBinary,
    args: [
      'kube-controller-manager',
      ...controlPlaneClient(l, 'controller-manager'),
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${pki(l, 'service-account.key')}`,
      `--root-ca-file=${pki(l, 'ca.crt')}`,
      `--cluster-signing-cert-file=${pki(l, 'ca.crt')}`,
      `--cluster-signing-key-file=${pki(l, 'ca.key')}`,
      `--service-cluster-ip-range=${NETWORK.serviceCidr}`,
      // Volumes for PVCs without an external provisioner: directories under /tmp/hostpath_pv.
      '--enable-hostpath-provisioner=true',
      // Scale down one minute after load ends (the default is five): CI waits for it.
      '--horizontal-pod-autoscaler-downscale-stabilization=1m',
    ],
  };
}

export function scheduler(l: Layout): Component {
  return {
    name: 'kube-scheduler',
    binary: l.nodeBinary,
    args: ['kube-scheduler', ...controlPlaneClient(l, 'scheduler')],
  };
}

export function containerd(l: Layout): Component {
  return { name: 'containerd', binary: 'containerd', args: ['--config', path.join(l.clusterDir, 'config', 'containerd.toml')] };
}

export function kubelet(l: Layout, nodeIp: string): Component {
  return {
    name: 'kubelet',
    binary: l.nodeBinary,
    args: [
      'kubelet',
      `--config=${path.join(l.clusterDir, 'config', 'kubelet.yaml')}`,
      `--kubeconfig=${kubeconfig(l, 'kubelet')}`,
      `--root-dir=${path.join(l.varDir, 'kubelet')}`,
      `--cert-dir=${path.join(l.varDir, 'kubelet', 'pki')}`,
      `--node-ip=${nodeIp}`,
      `--hostname-override=${NETWORK.nodeName}`,
    ],
  };
}

export function kubeProxy(l: Layout): Component {
  return {
    name: 'kube-proxy',
    binary: l.nodeBinary,
    args: [
      'kube-proxy',
      `--kubeconfig=${kubeconfig(l, 'proxy')}`,
      '--proxy-mode=iptables',
      `--cluster-cidr=${NETWORK.podCidr}`,
      `--hostname-override=${NETWORK.nodeName}`,
      // Root here lacks CAP_SYS_RESOURCE; and conntrack limits stay the machine's own.
      '--oom-score-adj=0',
      '--conntrack-max-per-core=0',
      // NodePorts answer on the node's address, not on 127.0.0.1: no route_localnet change.
      '--iptables-localhost-nodeports=false',
      '--metrics-bind-address=127.0.0.1:10249',
      '--healthz-bind-address=127.0.0.1:10256',
    ],
  };
}

/** The nftables table the NetworkPolicy controller owns (cluster-down checks it is gone). */
export const NETWORK_POLICY_TABLE = 'todo-hermetic-netpol';

export function networkPolicies(l: Layout): Component {
  return {
    name: 'kube-network-policies',
    binary: l.nodeBinary,
    args: ['kube-network-policies', `--kubeconfig=${kubeconfig(l, 'network-policies')}`, `--hostname-override=${NETWORK.nodeName}`, `--nftables-table=${NETWORK_POLICY_TABLE}`, `--nfqueue-id=${NETWORK_POLICY_QUEUE}`],
  };
}

/** `--check` exits 0 while the controller's table exists; `--cleanup` deletes it. */
export const networkPolicyTableCommand = (l: Layout, action: 'check' | 'cleanup'): Component => ({
  name: 'kube-network-policies',
  binary: l.nodeBinary,
  args: ['kube-network-policies', `--nftables-table=${NETWORK_POLICY_TABLE}`, `--${action}`],
});

export { kubeconfig as kubeconfigPath };
