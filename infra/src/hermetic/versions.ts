// The hermetic cluster's versions: the one place they are pinned. Everything else (the
// staging modules' replace list, etcd's version, the binaries' version strings) follows.

/** k8s.io/kubernetes: exact patch versions up to .12 resolve on the Go module proxy. */
export const KUBERNETES_VERSION = 'v1.34.12';
/** What k/k 1.34 itself ships (build/dependencies.yaml). */
export const COREDNS_VERSION = 'v1.12.1';
export const METRICS_SERVER_VERSION = 'v0.8.0';
/** SIG Network's NetworkPolicy controller (nftables + NFQUEUE), linked into the node binary. */
export const NETWORK_POLICIES_VERSION = 'v0.8.0';
/** The sandbox image tag the kubelet and containerd expect for 1.34. */
export const PAUSE_TAG = '3.10';

/** The staging modules (k8s.io/api, client-go, …) are versioned v0.<minor>.<patch>. */
export function stagingVersion(kubernetes = KUBERNETES_VERSION): string {
  const m = /^v1\.(\d+)\.(\d+)$/.exec(kubernetes);
  if (!m) throw new Error(`KUBERNETES_VERSION must look like v1.34.12 (got "${kubernetes}")`);
  return `v0.${m[1]}.${m[2]}`;
}
