// The one process runner of @todo/kube: spawns a tool with an argument array (never a
// shell), streams its output lines to an optional listener, and turns a failure into a
// CommandError that quotes the command (pasteable) and the tool's own error line.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';

/** Called with each line the tool prints while it runs. */
export type ProgressListener = (line: string, stream: 'stdout' | 'stderr') => void;

export interface RunOptions {
  /** The whole environment of the child; default process.env. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the child's stdin, which is then closed; without it stdin is ignored. A
   * stream (a large file) is piped in as it is read. */
  input?: string | Buffer | Readable;
  /** Binary stdout (a database dump): piped into this stream, which is ended and flushed
   * before the run resolves; `stdout` of the result is then empty. */
  stdoutTo?: Writable;
  onProgress?: ProgressListener;
  /** Also pass stdout lines to onProgress (off when stdout is JSON or YAML to parse). */
  progressFromStdout?: boolean;
  signal?: AbortSignal;
  /** Kill the child (SIGTERM) after this many milliseconds. */
  timeoutMs?: number;
  /** The error class of a failed run (its static `parser` reads the tool's stderr); default CommandError. */
  errorType?: CommandErrorType;
  /** `inherit`: the child writes straight to this terminal (a nested build or test run, its
   * colours and progress intact); nothing is captured, so a failure points to that output. */
  output?: 'capture' | 'inherit';
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** How a command ended, when failing is an answer too (a probe, a best-effort clean-up). */
export interface Outcome extends RunResult {
  ok: boolean;
  exitCode: number | null;
}

/** What a failed run left behind. */
export interface CommandFailure extends RunResult {
  binary: string;
  args: readonly string[];
  /** null when the tool could not start, was killed, or timed out. */
  exitCode: number | null;
  /** Further lines that explain the failure, e.g. lint's `[ERROR]` findings. */
  details?: readonly string[];
}

/** Per tool: its name in messages and which line of its stderr is "the error". */
export interface ErrorParser {
  /** e.g. `helm`; default the binary's file name. */
  tool?: string;
  /** How this tool starts an error line; a spawn error or timeout is reported that way. */
  prefix?: string;
  errorLine(stderr: string): string;
}

/** The last non-empty line: docker, minikube and most tools end with the reason. */
export const lastLineParser: ErrorParser = {
  errorLine: (stderr) => stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '(printed no error)',
};

/** CommandError or a subclass that only brings its own parser. */
export interface CommandErrorType {
  new (failure: CommandFailure): CommandError;
  readonly parser: ErrorParser;
}

export class CommandError extends Error {
  /** Which line of stderr is the error; a tool's subclass overrides only this. */
  static readonly parser: ErrorParser = lastLineParser;
  readonly binary: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly details: readonly string[];
  /** The command line as a shell would need it, arguments quoted. */
  readonly command: string;
  /** The tool's own error line, e.g. `Error: kubernetes cluster unreachable: …`. */
  readonly toolMessage: string;

  constructor(failure: CommandFailure) {
    const parser = (new.target as CommandErrorType).parser;
    const command = [failure.binary, ...failure.args].map(shellQuote).join(' ');
    const toolMessage = parser.errorLine(failure.stderr);
    const tool = parser.tool ?? path.basename(failure.binary);
    const how = failure.exitCode === null ? 'did not finish' : `exited with ${failure.exitCode}`;
    const details = failure.details ?? [];
    super([`${tool} ${subcommandOf(failure.args)} ${how}: ${toolMessage}`, ...details.map((d) => `  ${d}`), `  command: ${command}`].join('\n'));
    this.name = new.target.name;
    this.binary = failure.binary;
    this.args = failure.args;
    this.exitCode = failure.exitCode;
    this.stdout = failure.stdout;
    this.stderr = failure.stderr;
    this.details = details;
    this.command = command;
    this.toolMessage = toolMessage;
  }
}

// Global flags that take a separate value, skipped when naming the subcommand.
const FLAGS_WITH_VALUE = new Set(['--context', '--kubeconfig', '--request-timeout', '-n', '--namespace', '-p', '--profile', '--host', '-H']);

/** The first argument that is neither a flag nor a flag's value, e.g. `get` of `--context x get pods`. */
export function subcommandOf(args: readonly string[]): string {
  return args.find((arg, i) => !arg.startsWith('-') && !FLAGS_WITH_VALUE.has(args[i - 1] ?? '')) ?? '';
}

export function runCommand(binary: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const inherit = options.output === 'inherit';
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      signal: options.signal,
      timeout: options.timeoutMs,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', inherit ? 'inherit' : 'pipe', inherit ? 'inherit' : 'pipe'],
    });
    const out = collect(options.progressFromStdout ? options.onProgress : undefined, 'stdout');
    const err = collect(options.onProgress, 'stderr');
    // A sink's own failure (disk full) fails the run; the tool's exit is reported otherwise.
    let sinkError: Error | undefined;
    const sink = options.stdoutTo && child.stdout ? pipeline(child.stdout, options.stdoutTo).catch((e: Error) => void (sinkError = e)) : undefined;
    if (!sink) child.stdout?.on('data', out.push);
    child.stderr?.on('data', err.push);
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a tool that exits without reading its input is not our failure
      if (options.input instanceof Readable) options.input.pipe(child.stdin);
      else child.stdin.end(options.input);
    }
    let startError: Error | undefined;
    child.on('error', (e) => (startError = e));
    child.on('close', (code, signal) => void (sink ?? Promise.resolve()).then(() => {
      startError ??= sinkError;
      const result = { stdout: out.end(), stderr: err.end() };
      if (code === 0 && !startError) return resolve(result);
      const ErrorType = options.errorType ?? CommandError;
      const timedOut = !startError && signal !== null && options.timeoutMs !== undefined && !options.signal?.aborted;
      const why = startError?.message ?? (timedOut ? `timed out after ${options.timeoutMs} ms` : undefined);
      const reason = why ?? (inherit ? 'see its output above' : undefined);
      const stderr = reason === undefined ? result.stderr : `${result.stderr}${ErrorType.parser.prefix ?? 'error:'} ${reason}\n`;
      reject(new ErrorType({ binary, args, exitCode: startError ? null : code, stdout: result.stdout, stderr }));
    }));
  });
}

/** runCommand that resolves however the command exits; a tool that cannot start, times out,
 * is aborted or is killed by a signal still throws (it gave no answer). */
export async function attemptCommand(binary: string, args: readonly string[], options: RunOptions = {}): Promise<Outcome> {
  try {
    return { ok: true, exitCode: 0, ...(await runCommand(binary, args, options)) };
  } catch (err) {
    if (!(err instanceof CommandError) || err.exitCode === null) throw err;
    return { ok: false, exitCode: err.exitCode, stdout: err.stdout, stderr: err.stderr };
  }
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

/** POSIX shell quoting, so the command in an error can be pasted into a terminal. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
