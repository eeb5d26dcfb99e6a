// The cluster's keys and certificates, made with openssl (EC P-256: fast to generate).
// Identities that only talk to the API server (the controller manager, scheduler, kubelet,
// kube-proxy, the NetworkPolicy controller and the admin) use static bearer tokens instead of client certificates.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from '@todo/kube';
import { NETWORK } from './layout';

const DAYS = '365';

/** One API identity: its user, groups and the token that proves it. */
export interface Identity {
  user: string;
  groups: string[];
  token: string;
}

export type IdentityName = 'admin' | 'controller-manager' | 'scheduler' | 'kubelet' | 'proxy' | 'network-policies';

export function newIdentities(): Record<IdentityName, Identity> {
  const token = () => randomBytes(24).toString('hex');
  return {
    admin: { user: 'todo-hermetic-admin', groups: ['system:masters'], token: token() },
    'controller-manager': { user: 'system:kube-controller-manager', groups: [], token: token() },
    scheduler: { user: 'system:kube-scheduler', groups: [], token: token() },
    kubelet: { user: `system:node:${NETWORK.nodeName}`, groups: ['system:nodes'], token: token() },
    proxy: { user: 'system:kube-proxy', groups: [], token: token() },
    // Bound by addons/network-policies.yaml to read pods, namespaces and NetworkPolicies.
    'network-policies': { user: 'todo-hermetic:kube-network-policies', groups: [], token: token() },
  };
}

/** The API server's --token-auth-file: token,user,uid,"group,…" per line. */
export function tokenFile(identities: Record<IdentityName, Identity>): string {
  return Object.values(identities)
    .map((i) => `${i.token},${i.user},${i.user},"${i.groups.join(',')}"`)
    .join('\n')
    .concat('\n');
}

/** Subject alternative names of the API server's serving certificate. */
export function apiserverSans(nodeIp: string): string {
  const names = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost'];
  return [...names.map((n) => `DNS:${n}`), `IP:${nodeIp}`, `IP:${NETWORK.apiServiceIp}`, 'IP:127.0.0.1'].join(',');
}

/** Writes every key and certificate into `dir` (0700). */
export async function makePki(dir: string, nodeIp: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => runCommand('openssl', args, { cwd: dir });
  const key = (name: string) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(`${name}.key`)]);
  const ca = async (name: string, cn: string) => {
    await key(name);
    await openssl(['req', '-x509', '-new', '-key', file(`${name}.key`), '-subj', `/CN=${cn}`, '-days', DAYS, '-out', file(`${name}.crt`)]);
  };
  const signed = async (name: string, by: string, subject: string, extensions: string[]) => {
    await key(name);
    const csr = file(`${name}.csr`);
    await openssl(['req', '-new', '-key', file(`${name}.key`), '-subj', subject, '-out', csr, ...extensions.flatMap((e) => ['-addext', e])]);
    await openssl(['x509', '-req', '-in', csr, '-CA', file(`${by}.crt`), '-CAkey', file(`${by}.key`), '-CAcreateserial', '-days', DAYS, '-copy_extensions', 'copyall', '-out', file(`${name}.crt`)]);
  };
  await ca('ca', 'todo-hermetic-ca');
  await ca('front-proxy-ca', 'todo-hermetic-front-proxy-ca');
  await signed('apiserver', 'ca', '/CN=kube-apiserver', [`subjectAltName=${apiserverSans(nodeIp)}`, 'extendedKeyUsage=serverAuth']);
  // etcd serves TLS on loopback and accepts only clients with a certificate of this CA.
  await signed('etcd', 'ca', '/CN=etcd', ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth']);
  await signed('apiserver-etcd-client', 'ca', '/CN=kube-apiserver-etcd-client', ['extendedKeyUsage=clientAuth']);
  // How the API server proves itself to kubelets (logs, exec, port-forward).
  await signed('apiserver-kubelet-client', 'ca', '/O=system:masters/CN=kube-apiserver-kubelet-client', ['extendedKeyUsage=clientAuth']);
  // How the API server proves itself to aggregated APIs (metrics-server).
  await signed('front-proxy-client', 'front-proxy-ca', '/CN=front-proxy-client', ['extendedKeyUsage=clientAuth']);
  await key('service-account');
  await openssl(['pkey', '-in', file('service-account.key'), '-pubout', '-out', file('service-account.pub')]);
}

/** A kubeconfig for one identity, with the CA inline so it can be copied anywhere. */
export function kubeconfigFor(identity: Identity, server: string, caFile: string, context: string): string {
  const ca = existsSync(caFile) ? readFileSync(caFile).toString('base64') : '';
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${context}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${context}-${identity.user.replace(/[^a-z0-9-]/gi, '-')}`,
    '  user:',
    `    token: ${identity.token}`,
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${context}`,
    `    user: ${context}-${identity.user.replace(/[^a-z0-9-]/gi, '-')}`,
    `current-context: ${context}`,
    '',
  ].join('\n');
}

export function writeSecret(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
}
