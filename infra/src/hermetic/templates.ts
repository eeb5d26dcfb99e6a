// The config files and addon manifests in infra/hermetic/ are data with ${NAME} holes;
// this fills them and refuses a hole it has no value for.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CNI_BIN_DIR } from './preflight';
import { IMAGES, SOURCES } from './build';
import { type Layout, NETWORK } from './layout';

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{([A-Z_]+)\}/g, (hole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${hole}`);
    return value;
  });
}

export function templateValues(l: Layout): Record<string, string> {
  return {
    CONTAINERD_ROOT: path.join(l.varDir, 'containerd'),
    CONTAINERD_STATE: path.join(l.runDir, 'containerd'),
    CONTAINERD_SOCKET: l.containerdSocket,
    PAUSE_IMAGE: IMAGES.pause,
    CNI_BIN_DIR,
    CNI_CONF_DIR: path.join(l.clusterDir, 'config', 'cni'),
    BRIDGE: NETWORK.bridge,
    IPAM_DIR: path.join(l.varDir, 'cni-ipam'),
    POD_SUBNET: NETWORK.podSubnet,
    DNS_IP: NETWORK.dnsIp,
    PKI_DIR: l.pkiDir,
    POD_LOGS_DIR: path.join(l.varDir, 'pod-logs'),
    COREDNS_IMAGE: IMAGES.coredns,
    METRICS_SERVER_IMAGE: IMAGES.metricsServer,
  };
}

/** infra/hermetic/<relative>, filled. */
export function render(relative: string, values: Record<string, string>): string {
  return fill(readFileSync(path.join(SOURCES, relative), 'utf8'), values);
}
