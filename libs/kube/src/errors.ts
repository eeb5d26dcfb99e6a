// The tools' own ways of saying what went wrong: each error class is a CommandError with
// nothing but a parser for which stderr line is the error.
import { CommandError, type ErrorParser } from './command';

/**
 * helm's last `Error: …` line with any lines that continue it (schema errors are several lines),
 * else its last non-empty line. The "Use --debug flag" hint is left out.
 */
export function helmErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() && !l.startsWith('Use --debug flag'));
  const start = lines.findLastIndex((l) => l.startsWith('Error:'));
  if (start < 0) return lines.at(-1)?.trim() ?? '(helm printed no error)';
  return lines.slice(start).join('\n');
}

/** kubectl's last `error:`/`Error from server` line, else its last non-empty line (deprecation warnings left out). */
export function kubectlErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('Warning:'));
  const error = lines.findLast((l) => /^(error|Error from server|Unable to connect|The connection to the server)/i.test(l));
  return error ?? lines.at(-1) ?? '(kubectl printed no error)';
}

export const helmParser: ErrorParser = { tool: 'helm', prefix: 'Error:', errorLine: helmErrorLine };
export const kubectlParser: ErrorParser = { tool: 'kubectl', prefix: 'error:', errorLine: kubectlErrorLine };

export class HelmError extends CommandError {
  static override readonly parser = helmParser;

  /** helm's own error line, e.g. `Error: kubernetes cluster unreachable: …`. */
  get helmMessage(): string {
    return this.toolMessage;
  }
}

export class KubectlError extends CommandError {
  static override readonly parser = kubectlParser;

  /** kubectl's own error line, e.g. `error: the server doesn't have a resource type "foo"`. */
  get kubectlMessage(): string {
    return this.toolMessage;
  }

  /** kubectl could not reach (or authenticate to) the API server, or the kubeconfig names no usable cluster. */
  get unreachable(): boolean {
    return isUnreachableMessage(this.stderr);
  }
}

const UNREACHABLE = [
  /Unable to connect to the server/i,
  /The connection to the server .* was refused/i,
  /connection refused/i,
  /no such host/i,
  /i\/o timeout/i,
  /context deadline exceeded/i,
  /Client\.Timeout exceeded/i,
  /TLS handshake timeout/i,
  /certificate signed by unknown authority/i,
  /x509:/i,
  /the server has asked for the client to provide credentials/i,
  /You must be logged in to the server/i,
  /context ".*" (was )?not found/i,
  /context was not found/i,
  /no configuration has been provided/i,
  /current-context is not set/i,
  /invalid configuration/i,
  /dial tcp/i,
];

export function isUnreachableMessage(stderr: string): boolean {
  return UNREACHABLE.some((re) => re.test(stderr));
}
