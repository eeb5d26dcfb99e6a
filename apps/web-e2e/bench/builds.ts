// The web server builds a benchmark compares: this workspace's own (`nx run web:build`) and
// the build of any git commit, made in a temporary worktree with the same `next build` and
// kept under the system's temporary folder by commit, so a second run reuses it.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface WebBuild {
  /** "new" (this workspace) or "old <short sha>" */
  name: string;
  /** the standalone server.js */
  server: string;
}

const git = (root: string, args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

export function workspaceBuild(root: string): WebBuild {
  const server = path.join(root, 'apps/web/.next/standalone/apps/web/server.js');
  if (!existsSync(server)) throw new Error('no production build: run `npm run nx -- run web:build` first');
  return { name: 'new', server };
}

/** The standalone build of `ref` (a commit, branch or tag), built once per commit. */
export function commitBuild(root: string, ref: string, log: (line: string) => void = console.log): WebBuild {
  const sha = git(root, ['rev-parse', '--verify', `${ref}^{commit}`]);
  const short = sha.slice(0, 8);
  const home = path.join(tmpdir(), 'todo-web-bench-builds', sha);
  const server = path.join(home, 'standalone/apps/web/server.js');
  if (existsSync(server)) {
    log(`baseline ${ref} (${short}): reusing ${home}`);
    return { name: `old ${short}`, server };
  }
  const tree = mkdtempSync(path.join(tmpdir(), `todo-web-bench-${short}-`));
  log(`baseline ${ref} (${short}): building in ${tree} (a few minutes)`);
  git(root, ['worktree', 'add', '--detach', tree, sha]);
  try {
    // Turbopack resolves nothing through a symlink that leaves the workspace, so the
    // dependencies are hard links to this workspace's (no copy of their bytes).
    const modules = realpathSync(path.join(root, 'node_modules'));
    const linked = spawnSync('cp', ['-al', modules, path.join(tree, 'node_modules')], { stdio: 'inherit' });
    if (linked.status !== 0) cpSync(modules, path.join(tree, 'node_modules'), { recursive: true });
    const web = path.join(tree, 'apps/web');
    const built = spawnSync(path.join(tree, 'node_modules/.bin/next'), ['build'], {
      cwd: web,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      encoding: 'utf8',
    });
    if (built.status !== 0) throw new Error(`next build of ${short} failed:\n${(built.stdout + built.stderr).slice(-3000)}`);
    // As the web:build target does: the static files beside the standalone server.
    const standalone = path.join(web, '.next/standalone');
    cpSync(path.join(web, '.next/static'), path.join(standalone, 'apps/web/.next/static'), { recursive: true });
    cpSync(path.join(web, 'public'), path.join(standalone, 'apps/web/public'), { recursive: true });
    mkdirSync(home, { recursive: true });
    renameSync(standalone, path.join(home, 'standalone'));
    log(`baseline ${short}: built (${readFileSync(path.join(web, '.next/BUILD_ID'), 'utf8').trim()})`);
  } finally {
    git(root, ['worktree', 'remove', '--force', tree]);
    rmSync(tree, { recursive: true, force: true });
  }
  return { name: `old ${short}`, server };
}
