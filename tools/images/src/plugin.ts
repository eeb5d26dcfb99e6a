// Local Nx plugin: every project with a Dockerfile at its root gets a `docker-build` target
// (executor @todo/images:docker-build). One definition instead of a copied target block per
// app; what differs between apps is read from each Dockerfile (see dockerfile.ts).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type CreateNodes, type CreateNodesResult, type TargetConfiguration, createNodesFromFiles } from '@nx/devkit';
import { baseImageArgs, copiedPaths } from './dockerfile';
import { imageName, imageReportPath, imageSbomPath } from './report';

export interface ImagesPluginOptions {
  /** default `docker-build` */
  targetName?: string;
}

/** Lock files a Dockerfile may copy, and the nx.json named input that covers each. */
const LOCK_INPUTS: Record<string, string> = {
  'uv.lock': 'pythonLock',
  'package-lock.json': 'nodeLock',
};

type Input = NonNullable<TargetConfiguration['inputs']>[number];

/** The project name in a project.json, or null when `dir` holds none (not an Nx project
 * root, e.g. tools/containers/bases, so no project is invented for it). */
function projectName(root: string, dir: string): string | null {
  const file = path.join(root, dir, 'project.json');
  if (!existsSync(file)) return null;
  const { name } = JSON.parse(readFileSync(file, 'utf8')) as { name?: string };
  return name ?? path.basename(dir);
}

/** The docker-build target for the project at `projectRoot`, from its Dockerfile's text. */
export function dockerBuildTarget(workspaceRoot: string, projectRoot: string, project: string, dockerfile: string): TargetConfiguration {
  const copied = copiedPaths(dockerfile);
  // Other projects the Dockerfile copies whole (web copies libs/api-client): their
  // production files are inputs too.
  const others = copied
    .filter((source) => source !== projectRoot)
    .map((source) => projectName(workspaceRoot, source))
    .filter((name): name is string => name !== null);
  const locks = Object.entries(LOCK_INPUTS)
    .filter(([file]) => copied.some((source) => path.basename(source) === file))
    .map(([, input]) => input);
  const baseImages = baseImageArgs(dockerfile);
  const image = imageName(project);
  const report = imageReportPath(image);
  const sbom = imageSbomPath(image);
  const inputs: Input[] = [
    'production',
    ...others.map((name) => ({ input: 'production', projects: [name] })),
    ...locks,
    'image',
    ...Object.values(baseImages).map((env) => ({ env })),
  ];
  return {
    executor: '@todo/images:docker-build',
    // Nx's cache stays off: a cache hit would skip the executor's own check of the engine.
    cache: false,
    inputs,
    outputs: [`{workspaceRoot}/${report}`, `{workspaceRoot}/${sbom}`],
    options: {
      image,
      report,
      sbom,
      baseImages,
      build: { context: '.', file: `${projectRoot}/Dockerfile` },
    },
  };
}

export const createNodes: CreateNodes<ImagesPluginOptions> = [
  '**/Dockerfile',
  (files, options, context) =>
    createNodesFromFiles(
      (file, opts): CreateNodesResult => {
        const projectRoot = path.dirname(file);
        const project = projectName(context.workspaceRoot, projectRoot);
        if (!project) return {};
        const dockerfile = readFileSync(path.join(context.workspaceRoot, file), 'utf8');
        const target = dockerBuildTarget(context.workspaceRoot, projectRoot, project, dockerfile);
        return { projects: { [projectRoot]: { targets: { [opts?.targetName ?? 'docker-build']: target } } } };
      },
      files,
      options,
      context,
    ),
];
