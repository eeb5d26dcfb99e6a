// `nx run infra:deploy`: from the images docker-build just made (or found) to a tested Helm
// release, on any kube context.
//   1. read dist/images/*.json: the exact content tags (nx-<hash>) to deploy;
//   2. make the images available to the cluster (`--load minikube|kind|hermetic|none`), loading only
//      the ones its runtime lacks;
//   3. `helm upgrade --install` with those tags, waiting for readiness; on failure or
//      timeout infra:doctor reads the release first, then an upgrade is rolled back and a
//      first install is kept for diagnosis (release.ts), the findings in the error;
//   4. `helm test`;
//   5. report which Deployments rolled out: with nothing changed, none does.
// `--dry-run` does 1 and renders the release (`helm install --dry-run=client`) without a
// cluster, checking that every pod runs the images just built.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  CommandError,
  describeHelmBinary,
  Helm,
  Kubectl,
  Minikube,
  parseManifests,
  releaseSelector,
  runCommand,
  shellQuote,
  type K8sObject,
  type KubeList,
  type Workload,
} from '@todo/kube';
import { analyze } from '../doctor/analyze';
import { layout } from '../hermetic/layout';
import { readRecord } from '../hermetic/record';
import { collect } from '../doctor/collect';
import { chartDir, root } from '../workspace';
import {
  workloadImages,
  type DeployOptions,
  type DeployPlan,
  imagesToLoad,
  listImagesCommand,
  loadCommand,
  planDeploy,
  readImageReports,
} from './plan';
import { loadIntoHermeticNode } from './load-hermetic';
import { upgradeInstallOrExplain } from './release';

type Log = (line: string) => void;

/** Where the deploy runs its tools: the environment (HELM_BIN, KUBECTL_BIN, PATH) and the doctor's time budget. */
export interface DeployRuntime {
  env?: NodeJS.ProcessEnv;
  /** How long infra:doctor may read a failed release; default 60 s. */
  diagnoseTimeoutMs?: number;
}

/** infra/values/<load method>.yaml when it exists: the settings that cluster kind needs. */
export function infraValues(options: DeployOptions, workspace = root): string[] {
  const file = path.join(workspace, 'infra/values', `${options.load}.yaml`);
  return existsSync(file) ? [file] : [];
}

/** Runs one of the plan's commands (minikube or kind, from PATH), showing it first. */
async function run(command: string[], log: Log): Promise<string> {
  log(`$ ${command.map(shellQuote).join(' ')}`);
  return (await runCommand(command[0]!, command.slice(1))).stdout;
}

/** Checks every api/web container in the rendered release runs exactly the planned image. */
export function checkRenderedImages(objects: K8sObject[], plan: DeployPlan): string[] {
  const problems: string[] = [];
  const planned = new Map(plan.images.map((i) => [i.repository, i.tag]));
  const used = new Set<string>();
  for (const [workload, images] of Object.entries(workloadImages(objects))) {
    for (const image of images) {
      const [, repository, tag] = /^(?:.*\/)?([^/:@]+)(?::([^@]+))?/.exec(image) ?? [];
      if (!repository || !planned.has(repository)) continue;
      used.add(repository);
      if (tag !== planned.get(repository)) problems.push(`${workload} runs ${image}, not the tag just built (${planned.get(repository)})`);
    }
  }
  for (const repository of planned.keys()) if (!used.has(repository)) problems.push(`no workload runs ${repository}`);
  return problems;
}

export async function deploy(options: DeployOptions, log: Log = console.log, workspace = root, runtime: DeployRuntime = {}): Promise<DeployPlan> {
  const env = runtime.env ?? process.env;
  const plan = planDeploy(readImageReports(workspace), options, infraValues(options, workspace));
  const helm = await Helm.create({ workspaceRoot: root, kubeContext: options.kubeContext, namespace: options.namespace, env });
  log(`using ${describeHelmBinary(helm.binary)}`);
  for (const image of plan.images) log(`${image.app}: ${image.ref}`);

  if (options.dryRun) {
    const release = await helm.install(options.release, chartDir, { dryRun: 'client', values: plan.values, set: plan.set, createNamespace: true });
    const objects = parseManifests(release.manifest ?? '');
    const problems = checkRenderedImages(objects, plan);
    const kinds = objects.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.kind]: (acc[o.kind] ?? 0) + 1 }), {});
    log(`dry run: release ${options.release} in ${options.namespace}, ${objects.length} objects (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')})`);
    for (const [workload, images] of Object.entries(workloadImages(objects))) log(`  ${workload}: ${images.join(', ')}`);
    if (problems.length) throw new Error(`the rendered release does not run the images just built:\n  ${problems.join('\n  ')}`);
    return plan;
  }

  // 2. Images into the cluster: only those it lacks (a unique tag is never a silent no-op).
  const list = listImagesCommand(options);
  const present = list ? (await run(list, log)).split('\n').map((l) => l.trim()).filter(Boolean) : [];
  const missing = list ? imagesToLoad(plan.images, present) : plan.images;
  for (const image of missing) {
    const command = loadCommand(options, image);
    if (command) await run(command, log);
  }
  if (list) log(missing.length ? `loaded ${missing.map((i) => i.ref).join(', ')}` : 'the cluster already has both images');
  if (options.load === 'hermetic') await loadIntoHermeticNode(helm, options, plan, workspace, env, log);

  // `minikube service … --url` (Linux) and the hermetic node open web at the node's address:
  // trust that origin too, besides the ones the values files give.
  const setJson: Record<string, unknown> = {};
  if (options.load === 'minikube') {
    const minikube = new Minikube({ profile: options.cluster });
    log(`$ minikube ${[...minikube.profileArgs(), 'ip'].join(' ')}`);
    const ip = await minikube.ip();
    setJson['web.trustedOrigins'] = nodePortOrigins(plan.values, ip);
  }
  if (options.load === 'hermetic') {
    const record = readRecord(layout(workspace).recordFile);
    if (!record) throw new Error('no hermetic cluster is running: npm run nx -- run infra:cluster-up');
    setJson['web.trustedOrigins'] = nodePortOrigins(plan.values, record.nodeIp);
  }

  // 3. The release; 5. which Deployments rolled out.
  // kubectl from KUBECTL_BIN, PATH or the workspace pin (only to report what rolled).
  const kubectl = await Kubectl.create({ workspaceRoot: root, context: options.kubeContext, env });
  const before = await deploymentGenerations(kubectl, options, log);
  await upgradeInstallOrExplain({
    helm,
    release: options.release,
    namespace: options.namespace,
    kubeContext: options.kubeContext,
    chart: chartDir,
    install: {
      createNamespace: true,
      values: plan.values,
      set: plan.set,
      setJson,
      wait: true,
      waitForJobs: true,
      timeout: options.timeout,
      onProgress: (line) => log(`  helm: ${line}`),
    },
    // In process, the same collection and analysis as infra:doctor.
    diagnose: async () => analyze(await collect({ release: options.release, namespace: options.namespace, context: options.kubeContext, env, workspaceRoot: root })),
    diagnoseTimeoutMs: runtime.diagnoseTimeoutMs ?? 60_000,
    log,
  });
  const after = await deploymentGenerations(kubectl, options, log);
  const rolled = Object.keys(after).filter((name) => before[name] !== after[name]);
  log(rolled.length ? `rolled out: ${rolled.join(', ')}` : 'no Deployment changed: no pod was restarted');

  // 4. helm test: health, readiness through web's path to the api, a task round trip.
  log(await helm.test(options.release, { logs: true, timeout: options.timeout }));
  return plan;
}

/**
 * `web.trustedOrigins` from the values files (the last file that sets it wins, as in Helm),
 * plus the NodePort origin on the Minikube node (`web.service.nodePort`, default 30080).
 */
export function nodePortOrigins(valuesFiles: string[], nodeIp: string): string[] {
  let origins: string[] = [];
  let nodePort = 30080;
  for (const file of valuesFiles) {
    const web = (parse(readFileSync(file, 'utf8')) as { web?: { trustedOrigins?: string[]; service?: { nodePort?: number } } } | null)?.web;
    if (web?.trustedOrigins) origins = web.trustedOrigins;
    if (web?.service?.nodePort) nodePort = web.service.nodePort;
  }
  const nodePortOrigin = `http://${nodeIp}:${nodePort}`;
  return origins.includes(nodePortOrigin) ? origins : [...origins, nodePortOrigin];
}

/** metadata.generation of each Deployment of the release (empty before the first install). */
async function deploymentGenerations(kubectl: Kubectl, options: DeployOptions, log: Log): Promise<Record<string, number>> {
  try {
    const list = await kubectl.json<KubeList<Workload>>(['-n', options.namespace, 'get', 'deployments', '-l', releaseSelector(options.release), '-o', 'json']);
    return Object.fromEntries(list.items.map((d) => [d.metadata.name, Number(d.metadata['generation'])]));
  } catch (err) {
    const why = err instanceof CommandError ? err.toolMessage : (err as Error).message;
    log(`(could not list Deployments, so which ones rolled is not reported: ${why})`);
    return {};
  }
}
