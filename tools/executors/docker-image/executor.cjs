// docker-build: one image per project, tagged by the Nx task hash.
//
// Identical inputs give an identical hash, so an identical tag. The Docker engine is the
// cache: when it already holds `<image>:nx-<hash>`, nothing is built; when it does not (a
// pruned daemon, a fresh machine, Minikube's own engine), the image is built through
// @nx-tools/nx-container. Nx's own cache is off for this target (`cache: false`), because a
// cache hit would skip this check. The JSON report names the image for later deploy steps.
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

function taskHash(context) {
  const tasks = Object.values(context.taskGraph?.tasks ?? {});
  const task = tasks.find(
    (t) => t.target.project === context.projectName && t.target.target === context.targetName,
  );
  return task?.hash ?? process.env.NX_TASK_HASH;
}

/** A git command's trimmed output, or null outside a git checkout or on failure. */
function gitOutput(cwd, args) {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

/** `https://host/owner/repo` for an https or scp-style (`git@host:owner/repo.git`) remote;
 * null for anything else (a local path), which must not end up in a public label. */
function publicRepositoryUrl(remote) {
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?$/.exec(remote);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  const https = /^https:\/\/(?:[^@/]+@)?([^/]+\/.+?)(?:\.git)?$/.exec(remote);
  return https ? `https://${https[1]}` : null;
}

/** The image's id and size when the engine has `ref`, else null. */
function inspect(ref) {
  try {
    const out = execFileSync('docker', ['image', 'inspect', '--format', '{{json .}}', ref], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const info = JSON.parse(out);
    return { id: info.Id, size: info.Size };
  } catch {
    return null;
  }
}

module.exports = async function dockerImage(options, context) {
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
  if (inspect(ref)) {
    console.log(`docker-build: ${ref} is already in the engine; nothing to build`);
  } else {
    const buildArgs = [...(options.build['build-args'] ?? [])];
    for (const [arg, variable] of Object.entries(options.baseImages ?? {})) {
      if (process.env[variable]) buildArgs.push(`${arg}=${process.env[variable]}`);
    }
    // OCI labels: which commit and version the image was built from, and where its source
    // lives (the tag already says which inputs).
    buildArgs.push(`OCI_VERSION=${require(path.join(context.root, 'package.json')).version}`);
    const source = gitOutput(context.root, ['remote', 'get-url', 'origin']);
    const sourceUrl = source && publicRepositoryUrl(source);
    if (sourceUrl) buildArgs.push(`OCI_SOURCE=${sourceUrl}`);
    const revision = gitOutput(context.root, ['rev-parse', 'HEAD']);
    if (revision) buildArgs.push(`OCI_REVISION=${revision}`, `OCI_CREATED=${new Date().toISOString()}`);
    console.log(`docker-build: building ${ref}${buildArgs.length ? ` with ${buildArgs.join(' ')}` : ''}`);
    const { run: nxContainer } = require('@nx-tools/nx-container');
    const started = performance.now();
    const result = await nxContainer(
      { engine: 'docker', load: true, ...options.build, 'build-args': buildArgs, tags: [ref, moving] },
      context,
    );
    if (!result.success) return result;
    built = true;
    buildSeconds = Math.round((performance.now() - started) / 100) / 10;
  }
  execFileSync('docker', ['tag', ref, moving]);
  const found = inspect(ref);
  if (!found) {
    console.error(`docker-build: the build finished but the engine has no ${ref}`);
    return { success: false };
  }
  const report = { image: options.image, tag, ref, movingTag: moving, id: found.id, size: found.size, built, buildSeconds };
  const file = path.join(context.root, options.report);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`docker-build: ${ref} ${(found.size / 1e6).toFixed(1)} MB (${built ? 'built' : 'reused'}) → ${options.report}`);
  return { success: true };
};
