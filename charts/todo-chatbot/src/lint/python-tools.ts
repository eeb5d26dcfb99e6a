// The Python tools the chart lint runs, pinned, installed explicitly before any check runs
// (`nx run chart:lint-tools`), never fetched on first use: `uv tool run` prints "Downloading …"
// on a cold cache only, so a lint that ran it behaved differently on a new machine.
// Each tool gets its own environment under .tools/python-tools/ (git-ignored).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CommandError, runCommand } from '@todo/kube';
import { root } from '../workspace';

export interface PythonTool {
  /** The package and its exact version, as `uv tool install` takes it. */
  requirement: string;
  /** The executable the package installs. */
  command: string;
}

export const PYTHON_TOOLS = {
  kubernetesValidate: { requirement: 'kubernetes-validate==1.37.0', command: 'kubernetes-validate' },
  checkov: { requirement: 'checkov==3.3.30', command: 'checkov' },
} as const satisfies Record<string, PythonTool>;

const toolDir = path.join(root, '.tools/python-tools');
const binDir = path.join(toolDir, 'bin');

const uvEnv = () => ({
  ...process.env,
  UV_TOOL_DIR: toolDir,
  UV_TOOL_BIN_DIR: binDir,
  // On PATH only so that uv does not warn that it is not.
  PATH: `${binDir}${path.delimiter}${process.env['PATH'] ?? ''}`,
  // uv must use the machine's Python; it cannot download interpreters everywhere.
  UV_PYTHON_DOWNLOADS: 'never',
});

/** Where a pinned tool's executable lives once installed. */
export const toolPath = (tool: PythonTool): string => path.join(binDir, tool.command);

/** Names of the installed tool environments with their versions, as `uv tool list` prints them. */
async function installed(): Promise<string> {
  return (await runCommand('uv', ['tool', 'list'], { env: uvEnv() }).catch(() => ({ stdout: '' }))).stdout;
}

/** Installs every pinned tool that is missing or at another version; prints what it does. */
export async function installPythonTools(tools: readonly PythonTool[] = Object.values(PYTHON_TOOLS)): Promise<void> {
  const list = await installed();
  for (const tool of tools) {
    const [name, version] = tool.requirement.split('==') as [string, string];
    if (existsSync(toolPath(tool)) && list.includes(`${name} v${version}`)) {
      console.log(`lint-tools: ${tool.requirement} already installed`);
      continue;
    }
    console.log(`lint-tools: installing ${tool.requirement} (a first run downloads it and its dependencies from PyPI)`);
    const started = Date.now();
    // uv's progress is shown as it comes; a failure quotes the command and uv's last line.
    await runCommand('uv', ['tool', 'install', '--force', tool.requirement], { env: uvEnv(), onProgress: (line) => console.log(line), progressFromStdout: true }).catch(
      (err: unknown) => {
        if (err instanceof CommandError && err.exitCode === null && /ENOENT/.test(err.stderr)) {
          throw new Error(`uv could not run: use \`npm run nx -- run chart:lint-tools\`, which puts the workspace's uv on PATH`);
        }
        throw err;
      },
    );
    console.log(`lint-tools: ${tool.requirement} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

export interface ToolRun {
  status: number;
  /** The tool's report. */
  stdout: string;
  /** Its diagnostics: for failure messages only, never parsed as the report. */
  stderr: string;
}

/** Runs an installed pinned tool, resolving however it exits (a finding is exit 1); fails naming the fix when it is not installed. */
export async function runPythonTool(tool: PythonTool, args: string[]): Promise<ToolRun> {
  const file = toolPath(tool);
  if (!existsSync(file)) throw new Error(`${tool.command} is not installed: run \`npm run nx -- run chart:lint-tools\` first`);
  try {
    return { status: 0, ...(await runCommand(file, args, { cwd: root })) };
  } catch (err) {
    if (!(err instanceof CommandError) || err.exitCode === null) throw err;
    return { status: err.exitCode, stdout: err.stdout, stderr: err.stderr };
  }
}

if (require.main === module) {
  installPythonTools().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
