// What a deploy will do, decided without touching a cluster: which image tags go to Helm,
// which images must be made available to the cluster and how, and the exact commands.
// Pure functions over the docker-build reports (dist/images/*.json) and the options, so
// tests check every decision without a cluster.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageReport } from '@todo/images';
import type { K8sObject, PodSpec, SetValue } from '@todo/kube';

/**
 * How images reach the cluster:
 * - `minikube`: `minikube image load` into the cluster's runtime (only the images it lacks);
 * - `kind`: `kind load docker-image` into the kind nodes;
 * - `hermetic`: into the containerd of infra:cluster-up's cluster (only the images it lacks),
 *   whose kubeconfig and context the deploy then uses;
 * - `none`: the cluster already has them, or pulls them from `--registry`.
 */
export type LoadMethod = 'minikube' | 'kind' | 'hermetic' | 'none';
export const LOAD_METHODS: readonly LoadMethod[] = ['minikube', 'kind', 'hermetic', 'none'];

export interface DeployOptions {
  release: string;
  namespace: string;
  kubeContext?: string;
  load: LoadMethod;
  /** minikube profile or kind cluster name */
  cluster?: string;
  /** registry prefix for the images when load is `none`, e.g. ghcr.io/me */
  registry?: string;
  /** extra values files, after infra's own for the load method */
  values: string[];
  timeout: string;
  dryRun: boolean;
}

export interface AppImage {
  app: 'api' | 'web';
  /** repository without registry, e.g. todo-api */
  repository: string;
  tag: string;
  /** what the cluster's runtime must have, e.g. todo-api:nx-123 */
  ref: string;
}

export interface DeployPlan {
  images: AppImage[];
  /** Helm values that pin the exact images built. */
  set: Record<string, SetValue>;
  values: string[];
}

export const APPS = [
  { app: 'api', report: 'todo-api.json' },
  { app: 'web', report: 'todo-web.json' },
] as const;

/** Reads the docker-build reports; a missing one names the command that writes it. */
export function readImageReports(root: string): Record<'api' | 'web', ImageReport> {
  const reports = {} as Record<'api' | 'web', ImageReport>;
  for (const { app, report } of APPS) {
    const file = path.join(root, 'dist/images', report);
    try {
      reports[app] = JSON.parse(readFileSync(file, 'utf8')) as ImageReport;
    } catch {
      throw new Error(`${path.relative(root, file)} is missing: run \`npm run nx -- run ${app}:docker-build\` (infra:deploy runs it first)`);
    }
    if (!/^nx-\d+$/.test(reports[app].tag)) {
      throw new Error(`${report} has tag "${reports[app].tag}": deploys use only the content tags docker-build gives (nx-<hash>), never a moving tag`);
    }
  }
  return reports;
}

export function planDeploy(reports: Record<'api' | 'web', ImageReport>, options: DeployOptions, infraValues: string[]): DeployPlan {
  const images: AppImage[] = APPS.map(({ app }) => ({ app, repository: reports[app].image, tag: reports[app].tag, ref: reports[app].ref }));
  const set: Record<string, SetValue> = {};
  for (const image of images) {
    set[`${image.app}.image.registry`] = options.load === 'none' && options.registry ? options.registry : '';
    set[`${image.app}.image.repository`] = image.repository;
    set[`${image.app}.image.tag`] = image.tag;
    set[`${image.app}.image.pullPolicy`] = 'IfNotPresent';
  }
  return { images, set, values: [...infraValues, ...options.values] };
}

/** The images a cluster still lacks, given the references its runtime lists. */
export function imagesToLoad(images: AppImage[], present: readonly string[]): AppImage[] {
  const have = new Set(present.map(normaliseRef));
  return images.filter((image) => !have.has(normaliseRef(image.ref)));
}

/** `todo-api:x`, `docker.io/library/todo-api:x` and `localhost/todo-api:x` are one image. */
export function normaliseRef(ref: string): string {
  return ref.replace(/^(docker\.io\/library\/|docker\.io\/|localhost\/)/, '');
}

/** The command that lists the images in the cluster, or null when that cannot be known. */
export function listImagesCommand(options: DeployOptions): string[] | null {
  switch (options.load) {
    case 'minikube':
      return ['minikube', ...profile(options), 'image', 'ls', '--format', 'short'];
    case 'kind':
      return null; // kind has no listing; loading an image it has is a fast no-op
    case 'hermetic': // imported in process (hermetic/node.ts), which lists first
    case 'none':
      return null;
  }
}

/** The command that makes one image available to the cluster, or null for `none`. */
export function loadCommand(options: DeployOptions, image: AppImage): string[] | null {
  switch (options.load) {
    case 'minikube':
      return ['minikube', ...profile(options), 'image', 'load', image.ref];
    case 'kind':
      return ['kind', 'load', 'docker-image', image.ref, ...(options.cluster ? ['--name', options.cluster] : [])];
    case 'hermetic':
    case 'none':
      return null;
  }
}

const profile = (options: DeployOptions) => (options.cluster ? ['--profile', options.cluster] : []);

/** The pod templates' images of the workloads in a rendered release. */
export function workloadImages(objects: K8sObject[]): Record<string, string[]> {
  const images: Record<string, string[]> = {};
  for (const object of objects) {
    const spec = (object as { spec?: { template?: { spec?: PodSpec } } & PodSpec }).spec;
    const pod = object.kind === 'Pod' ? spec : spec?.template?.spec;
    if (!pod) continue;
    images[`${object.kind}/${object.metadata.name}`] = [...(pod.initContainers ?? []), ...(pod.containers ?? [])].map((c) => c.image);
  }
  return images;
}
