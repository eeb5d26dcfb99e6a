// Runs helm with an argument array (never a shell), streams its output lines, and turns a
// failure into a HelmError that names the command and quotes helm's own error line.
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

/** Called with each line helm prints while it runs. */
export type ProgressListener = (line: string, stream: 'stdout' | 'stderr') => void;

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  onProgress?: ProgressListener;
  /** Also pass stdout lines to onProgress (off when stdout is JSON or YAML to parse). */
  progressFromStdout?: boolean;
  signal?: AbortSignal;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

export class HelmError extends Error {
  override readonly name = 'HelmError';
  /** The command line as a shell would need it, arguments quoted. */
  readonly command: string;
  /** helm's own error line, e.g. `Error: kubernetes cluster unreachable: …`. */
  readonly helmMessage: string;

  constructor(
    readonly binary: string,
    readonly args: readonly string[],
    /** null when helm could not start or was killed by a signal. */
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
    /** Further lines that explain the failure, e.g. lint's `[ERROR]` findings. */
    readonly details: readonly string[] = [],
  ) {
    const command = [binary, ...args].map(shellQuote).join(' ');
    const helmMessage = errorLine(stderr);
    const subcommand = args.find((arg) => !arg.startsWith('-')) ?? '';
    const how = exitCode === null ? 'did not finish' : `exited with ${exitCode}`;
    super([`helm ${subcommand} ${how}: ${helmMessage}`, ...details.map((d) => `  ${d}`), `  command: ${command}`].join('\n'));
    this.command = command;
    this.helmMessage = helmMessage;
  }
}

export function runHelm(binary: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env: options.env ?? process.env, signal: options.signal, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = collect(options.progressFromStdout ? options.onProgress : undefined, 'stdout');
    const err = collect(options.onProgress, 'stderr');
    child.stdout.on('data', out.push);
    child.stderr.on('data', err.push);
    let startError: Error | undefined;
    child.on('error', (e) => (startError = e));
    child.on('close', (code) => {
      const result = { stdout: out.end(), stderr: err.end() };
      if (code === 0) return resolve(result);
      const stderr = startError ? `Error: ${startError.message}` : result.stderr;
      reject(new HelmError(binary, args, code, result.stdout, stderr));
    });
  });
}

/** Accumulates a stream and hands each complete line to the listener as it arrives. */
function collect(listener: ProgressListener | undefined, stream: 'stdout' | 'stderr') {
  const chunks: Buffer[] = [];
  const decoder = new StringDecoder('utf8'); // a chunk may end inside a multi-byte character
  let partial = '';
  const emit = (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) listener?.(line.replace(/\r$/, ''), stream);
  };
  return {
    push: (chunk: Buffer) => {
      chunks.push(chunk);
      if (listener) emit(decoder.write(chunk));
    },
    end: () => {
      if (listener) emit(decoder.end());
      if (listener && partial) listener(partial.replace(/\r$/, ''), stream);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/**
 * helm's last `Error: …` line with any lines that continue it (schema errors are several lines),
 * else its last non-empty line. The "Use --debug flag" hint is left out.
 */
export function errorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() && !l.startsWith('Use --debug flag'));
  const start = lines.findLastIndex((l) => l.startsWith('Error:'));
  if (start < 0) return lines.at(-1)?.trim() ?? '(helm printed no error)';
  return lines.slice(start).join('\n');
}

/** POSIX shell quoting, so the command in an error can be pasted into a terminal. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
