// docker-build: one image per project, tagged by the Nx task hash.
//
// Identical inputs give an identical hash, so an identical tag. The Docker engine is the
// cache: when it already holds `<image>:nx-<hash>`, nothing is built; when it does not (a
// pruned daemon, a fresh machine, Minikube's own engine), the image is built through
// @nx-tools/nx-container. Nx's own cache is off for this target (`cache: false`), because a
// cache hit would skip this check. Then the SBOM (sbom-label.ts): read from the image, written
// next to the report, its digest a label of the image that is tagged. The JSON report names
// the image and its SBOM for later deploy steps.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { run } from '@nx-tools/nx-container';
import { attemptCommand, Docker } from '@todo/kube';
import { type ImageReport, writeImageReport } from './report';
import { ensureSbom } from './sbom-label';

type BuildOptions = Parameters<typeof run>[0];

export interface DockerImageOptions {
  /** repository, e.g. todo-api */
  image: string;
  /** friendly tag moved to the newest build; default `dev` */
  movingTag?: string;
  /** build argument → environment variable that may override it */
  baseImages?: Record<string, string>;
  /** where the report goes, relative to the workspace */
  report: string;
  /** where the CycloneDX SBOM goes, relative to the workspace; default the report's path
   * with `.cdx.json` for `.json` */
  sbom?: string;
  /** options for @nx-tools/nx-container's build executor */
  build: BuildOptions;
}

function taskHash(context: ExecutorContext): string | undefined {
  const tasks = Object.values(context.taskGraph?.tasks ?? {});
  const task = tasks.find((t) => t.target.project === context.projectName && t.target.target === context.targetName);
  return task?.hash ?? process.env.NX_TASK_HASH;
}

const docker = new Docker();

/** A git command's trimmed output, or null outside a git checkout or on failure. */
async function gitOutput(cwd: string, args: string[]): Promise<string | null> {
  try {
    const result = await attemptCommand('git', args, { cwd });
    return (result.ok && result.stdout.trim()) || null;
  } catch {
    return null; // no git on this machine
  }
}

/** `https://host/owner/repo` for an https or scp-style (`git@host:owner/repo.git`) remote;
 * null for anything else (a local path), which must not end up in a public label. */
export function publicRepositoryUrl(remote: string): string | null {
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?$/.exec(remote);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  const https = /^https:\/\/(?:[^@/]+@)?([^/]+\/.+?)(?:\.git)?$/.exec(remote);
  return https ? `https://${https[1]}` : null;
}

/** The image's id and size when the engine has `ref`, else null. */
async function inspect(ref: string): Promise<{ id: string; size: number } | null> {
  const result = await docker.attempt(['image', 'inspect', '--format', '{{json .}}', ref]);
  if (!result.ok) return null;
  const info = JSON.parse(result.stdout) as { Id: string; Size: number };
  return { id: info.Id, size: info.Size };
}

/** Build arguments: the Dockerfile's own, base images overridden from the environment, and
 * OCI labels saying which commit and version the image was built from and where its source
 * lives (the tag already says which inputs). */
async function buildArgs(options: DockerImageOptions, root: string): Promise<string[]> {
  const args = [...(options.build['build-args'] ?? [])];
  for (const [arg, variable] of Object.entries(options.baseImages ?? {})) {
    const value = process.env[variable];
    if (value) args.push(`${arg}=${value}`);
  }
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  args.push(`OCI_VERSION=${version}`);
  const source = await gitOutput(root, ['remote', 'get-url', 'origin']);
  const sourceUrl = source && publicRepositoryUrl(source);
  if (sourceUrl) args.push(`OCI_SOURCE=${sourceUrl}`);
  const revision = await gitOutput(root, ['rev-parse', 'HEAD']);
  if (revision) args.push(`OCI_REVISION=${revision}`, `OCI_CREATED=${new Date().toISOString()}`);
  return args;
}

export default async function dockerImage(options: DockerImageOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const hash = taskHash(context);
  if (!hash) {
    console.error('docker-build: Nx gave this task no hash; run it through nx (nx run PROJECT:docker-build)');
    return { success: false };
  }
  const tag = `nx-${hash}`;
  const ref = `${options.image}:${tag}`;
  const moving = `${options.image}:${options.movingTag ?? 'dev'}`;

  let built = false;
  let buildSeconds = 0;
  if (await inspect(ref)) {
    console.log(`docker-build: ${ref} is already in the engine; nothing to build`);
  } else {
    const args = await buildArgs(options, context.root);
    console.log(`docker-build: building ${ref} with ${args.join(' ')}`);
    // Loaded only when something is built: a reused image needs none of it.
    const { run: nxContainer } = await import('@nx-tools/nx-container');
    const started = performance.now();
    // Tagged `ref` alone: the image moving gets is the labelled one, made below.
    const result = await nxContainer({ engine: 'docker', load: true, ...options.build, 'build-args': args, tags: [ref] }, context);
    if (!result.success) return result;
    built = true;
    buildSeconds = Math.round((performance.now() - started) / 100) / 10;
  }
  const sbom = options.sbom ?? options.report.replace(/(\.json)?$/, '.cdx.json');
  const { digest: sbomDigest } = await ensureSbom(docker, { root: context.root, ref, image: options.image, tag, file: sbom });
  await docker.run(['tag', ref, moving]);
  const found = await inspect(ref);
  if (!found) {
    console.error(`docker-build: the build finished but the engine has no ${ref}`);
    return { success: false };
  }
  const report: ImageReport = { image: options.image, tag, ref, movingTag: moving, id: found.id, size: found.size, built, buildSeconds, sbom, sbomDigest };
  writeImageReport(context.root, report, options.report);
  console.log(`docker-build: ${ref} ${(found.size / 1e6).toFixed(1)} MB (${built ? 'built' : 'reused'}) → ${options.report}`);
  return { success: true };
}
