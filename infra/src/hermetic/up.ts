// infra:cluster-up: preflight, build (once per version), then the host, keys, etcd, the
// control plane, containerd, the kubelet, kube-proxy, the NetworkPolicy controller and the
// addons, each step timed.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from '@todo/kube';
import { root } from '../workspace';
import { buildBinaries, buildImages, type Timed } from './build';
import { apiserver, type Component, containerd, controllerManager, etcd, kubeconfigPath, kubelet, kubeProxy, networkPolicies, scheduler } from './components';
import { isRunning, startDaemon } from './daemons';
import { addRule, FORWARD_RULES, type IptablesRule, makeRootShared, NETWORK_POLICY_QUEUE, NETWORK_POLICY_RULES, QUEUES, queueBound, saveSysctls, SYSCTLS_SET, writeSysctls } from './host';
import { snapshotChains } from './iptables';
import { CONTEXT, type Layout, layout, NETWORK } from './layout';
import { importImages, nodeAddress, ready } from './node';
import { kubeconfigFor, makePki, newIdentities, tokenFile, writeSecret } from './pki';
import { preflight } from './preflight';
import { httpOk, listening, waitUntil } from './probes';
import { type ClusterRecord, readRecord, writeRecord } from './record';
import { render, templateValues } from './templates';
import { IMAGES } from './build';

export async function clusterUp(l: Layout = layout(), timed: Timed = timer()): Promise<void> {
  const began = Date.now();
  const problems = await timed('preflight', () => preflight());
  if (problems.length) throw new Error(`the machine cannot run the cluster yet:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  if (readRecord(l.recordFile)) throw new Error(`${path.relative(root, l.recordFile)} says a cluster was started and not torn down: npm run nx -- run infra:cluster-down`);
  await buildBinaries(l, timed);
  await timed('images: pause, CoreDNS, metrics-server (FROM scratch, in Docker)', () => buildImages(l));

  const nodeIp = nodeAddress();
  for (const dir of [l.clusterDir, l.logsDir, path.join(l.clusterDir, 'config', 'cni'), path.join(l.clusterDir, 'kubeconfigs'), l.varDir, l.runDir]) mkdirSync(dir, { recursive: true });
  const record: ClusterRecord = {
    workspace: root,
    nodeIp,
    startedAt: new Date().toISOString(),
    sysctls: saveSysctls(),
    iptables: [],
    chainsBefore: await snapshotChains(),
    daemons: [],
    hostpathVolumesExisted: existsSync(l.hostpathVolumes),
  };
  const save = () => writeRecord(l.recordFile, record);
  save();
  // Recorded before it is added: cluster-down removes a rule even if cluster-up stopped right after.
  const addRecordedRules = async (rules: IptablesRule[]) => {
    for (const rule of rules) {
      record.iptables.push(rule);
      save();
      await addRule(rule);
    }
  };

  await timed(`host: shared mounts, sysctls, FORWARD rules for ${NETWORK.podCidr}`, async () => {
    await makeRootShared();
    const failed = writeSysctls(SYSCTLS_SET);
    if (failed.length) throw new Error(`could not set ${failed.join('; ')}`);
    await addRecordedRules(FORWARD_RULES);
  });

  const identities = newIdentities();
  const server = `https://${nodeIp}:${NETWORK.apiserverPort}`;
  const caFile = path.join(l.pkiDir, 'ca.crt');
  await timed('keys and certificates (openssl), tokens, kubeconfigs, configs', async () => {
    rmSync(l.pkiDir, { recursive: true, force: true });
    await makePki(l.pkiDir, nodeIp);
    writeSecret(path.join(l.pkiDir, 'tokens.csv'), tokenFile(identities));
    for (const [who, identity] of Object.entries(identities)) {
      if (who !== 'admin') writeSecret(kubeconfigPath(l, who), kubeconfigFor(identity, server, caFile, CONTEXT));
    }
    const values = templateValues(l);
    writeFileSync(path.join(l.clusterDir, 'config', 'containerd.toml'), render('config/containerd.toml', values));
    writeFileSync(path.join(l.clusterDir, 'config', 'kubelet.yaml'), render('config/kubelet.yaml', values));
    writeFileSync(path.join(l.clusterDir, 'config', 'cni', '10-todo-hermetic.conflist'), render('config/cni.conflist', values));
  });

  const start = (component: Component) => {
    const daemon = startDaemon(component.name, component.binary, component.args, l.logsDir);
    record.daemons.push(daemon);
    save();
    return daemon;
  };
  const ca = () => readFileSync(caFile);
  const admin = identities.admin.token;

  await timed('etcd (embedded, 127.0.0.1)', async () => {
    const d = start(etcd(l));
    await waitUntil('etcd accepting connections', () => listening(NETWORK.etcdClientPort), 30_000, d);
  });
  await timed('kube-apiserver', async () => {
    const d = start(apiserver(l, nodeIp));
    await waitUntil('kube-apiserver /readyz', () => httpOk(`${server}/readyz`, { ca: ca(), token: admin }), 90_000, d);
  });
  writeSecret(l.kubeconfig, kubeconfigFor(identities.admin, server, caFile, CONTEXT));
  await timed('kube-controller-manager and kube-scheduler', async () => {
    const kcm = start(controllerManager(l));
    const sched = start(scheduler(l));
    await waitUntil('kube-controller-manager /healthz', () => httpOk('https://127.0.0.1:10257/healthz'), 60_000, kcm);
    await waitUntil('kube-scheduler /healthz', () => httpOk('https://127.0.0.1:10259/healthz'), 60_000, sched);
  });
  await timed(`containerd (CRI on ${l.containerdSocket}), the pause image`, async () => {
    const d = start(containerd(l));
    await waitUntil('containerd socket', async () => existsSync(l.containerdSocket), 30_000, d);
    await importImages(l, [IMAGES.pause]);
  });
  const k = await ready(l);
  await timed('kubelet: node Ready', async () => {
    const d = start(kubelet(l, nodeIp));
    await waitUntil(`node ${NETWORK.nodeName} Ready`, () => k.nodeReady(), 90_000, d);
  });
  await timed('kube-proxy (iptables)', async () => {
    const d = start(kubeProxy(l));
    await waitUntil('kube-proxy /healthz', () => httpOk('http://127.0.0.1:10256/healthz'), 60_000, d);
  });
  await timed('NetworkPolicy controller (kube-network-policies: nftables + NFQUEUE)', async () => {
    await k.apply(render('addons/network-policies.yaml', templateValues(l)));
    // Built in, or a module: load it now so the readiness check can read its table.
    if (!existsSync(QUEUES)) await runCommand('modprobe', ['nfnetlink_queue']);
    const d = start(networkPolicies(l));
    await waitUntil(`it listening on NFQUEUE ${NETWORK_POLICY_QUEUE}`, async () => isRunning(d) && queueBound(NETWORK_POLICY_QUEUE), 60_000, d);
    await addRecordedRules(NETWORK_POLICY_RULES);
  });
  await timed('addons: default StorageClass, CoreDNS, metrics-server', async () => {
    await importImages(l, [IMAGES.coredns, IMAGES.metricsServer]);
    const values = templateValues(l);
    for (const addon of ['storage-class', 'coredns', 'metrics-server']) await k.apply(render(`addons/${addon}.yaml`, values));
    await k.rolloutStatus('kube-system', 'deployment/coredns', '120s');
    await k.rolloutStatus('kube-system', 'deployment/metrics-server', '120s');
  });
  console.log(`\ncluster up in ${((Date.now() - began) / 1000).toFixed(1)} s: Kubernetes ${NETWORK.nodeName} at ${server}`);
  console.log(`  kubeconfig: ${path.relative(process.cwd(), l.kubeconfig)} (context ${CONTEXT})`);
  console.log(`  try:        KUBECONFIG=${path.relative(process.cwd(), l.kubeconfig)} .tools/kubectl/*/kubectl get nodes`);
  console.log('  deploy:     npm run nx -- run infra:deploy -- --load hermetic');
  console.log(`  logs:       ${path.relative(process.cwd(), l.logsDir)}/`);
  console.log('  stop:       npm run nx -- run infra:cluster-down');
}

/** Prints each step with its time. */
export function timer(print: (line: string) => void = console.log): Timed {
  return async (label, work) => {
    const began = Date.now();
    print(`- ${label} …`);
    const result = await work();
    print(`  done in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return result;
  };
}
