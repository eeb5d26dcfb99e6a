// The one runner against real child processes (this Node with `-e`).
import { attemptCommand, CommandError, runCommand, shellQuote, subcommandOf } from './command';
import { HelmError, KubectlError } from './errors';

const node = process.execPath;

async function rejection(promise: Promise<unknown>): Promise<CommandError> {
  const err = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  if (!(err instanceof CommandError)) throw err;
  return err;
}

test('resolves with stdout and stderr; stdin input, cwd and env reach the child', async () => {
  const code = 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{console.log(s.toUpperCase(), process.cwd(), process.env.X);console.error("note")})';
  const result = await runCommand(node, ['-e', code], { input: 'hi', cwd: '/', env: { X: 'y' } });
  expect(result).toEqual({ stdout: 'HI / y\n', stderr: 'note\n' });
});

test('streams complete lines from both streams to the listener, the last unterminated one too', async () => {
  const lines: string[] = [];
  await runCommand(node, ['-e', 'process.stdout.write("a\\nb"); process.stderr.write("c\\r\\n")'], {
    onProgress: (line, stream) => lines.push(`${stream}:${line}`),
    progressFromStdout: true,
  });
  expect(lines.sort()).toEqual(['stderr:c', 'stdout:a', 'stdout:b']);
});

test('a failure is a CommandError quoting the command and the last line by default', async () => {
  const err = await rejection(runCommand(node, ['-e', 'console.error("first\\nthe reason"); process.exit(3)', "it's"]));
  expect(err).toBeInstanceOf(CommandError);
  expect(err.name).toBe('CommandError');
  expect(err.exitCode).toBe(3);
  expect(err.toolMessage).toBe('the reason');
  expect(err.command).toBe(`${node} -e 'console.error("first\\nthe reason"); process.exit(3)' 'it'\\''s'`);
  expect(err.message).toBe(`node ${err.args[1]} exited with 3: the reason\n  command: ${err.command}`);
});

test('a tool subclass brings its own parser and name', async () => {
  const stderr = 'Warning: deprecated\nerror: the real one\nmore';
  const err = await rejection(runCommand(node, ['-e', `console.error(${JSON.stringify(stderr)}); process.exit(1)`], { errorType: KubectlError }));
  expect(err).toBeInstanceOf(KubectlError);
  expect(err.name).toBe('KubectlError');
  expect((err as KubectlError).kubectlMessage).toBe('error: the real one');
  expect(err.message.startsWith('kubectl ')).toBe(true);
});

test('a binary that does not exist did not finish, in the tool\'s own error spelling', async () => {
  const err = await rejection(runCommand('/nonexistent/helm', ['version'], { errorType: HelmError }));
  expect(err.exitCode).toBeNull();
  expect((err as HelmError).helmMessage).toMatch(/^Error: spawn \/nonexistent\/helm ENOENT/);
  expect(err.message.split('\n')[0]).toMatch(/^helm version did not finish: Error: spawn/);
});

test('a timeout kills the child and says so', async () => {
  const err = await rejection(runCommand(node, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 200 }));
  expect(err.exitCode).toBeNull();
  expect(err.toolMessage).toBe('error: timed out after 200 ms');
});

test('an aborted run did not finish', async () => {
  const err = await rejection(runCommand(node, ['-e', 'setTimeout(() => {}, 10000)'], { signal: AbortSignal.timeout(100) }));
  expect(err.exitCode).toBeNull();
  expect(err.message).toMatch(/did not finish: error: .*abort/i);
});

test('inherited output goes to the terminal, uncaptured; a failure points to it', async () => {
  await expect(runCommand(node, ['-e', 'process.stdout.write("")'], { output: 'inherit' })).resolves.toEqual({ stdout: '', stderr: '' });
  const err = await rejection(runCommand(node, ['-e', 'process.exit(4)'], { output: 'inherit' }));
  expect(err.exitCode).toBe(4);
  expect(err.toolMessage).toBe('error: see its output above');
});

test('attemptCommand answers with how the command ended; only a start failure throws', async () => {
  await expect(attemptCommand(node, ['-e', 'console.log("out"); console.error("why"); process.exit(2)'])).resolves.toEqual({
    ok: false,
    exitCode: 2,
    stdout: 'out\n',
    stderr: 'why\n',
  });
  await expect(attemptCommand(node, ['-e', 'console.log("fine")'])).resolves.toEqual({ ok: true, exitCode: 0, stdout: 'fine\n', stderr: '' });
  await expect(attemptCommand('/nonexistent/tool', [])).rejects.toBeInstanceOf(CommandError);
});

test('shell quoting and the subcommand of an argument list', () => {
  expect(shellQuote('a-b/c=d')).toBe('a-b/c=d');
  expect(shellQuote('a b')).toBe("'a b'");
  expect(subcommandOf(['--context', 'x', '-n', 'ns', 'get', 'pods'])).toBe('get');
  expect(subcommandOf(['--profile', 'dev', 'image', 'ls'])).toBe('image');
});

test('binary stdout goes into a sink stream, flushed before the run resolves; a stream is piped to stdin', async () => {
  const { PassThrough, Readable } = await import('node:stream');
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const bytes = Buffer.from([0x50, 0x47, 0x44, 0x4d, 0x50, 0xff, 0x00, 0xfe]);
  const code = 'const c=[];process.stdin.on("data",d=>c.push(d)).on("end",()=>process.stdout.write(Buffer.concat(c)))';
  const result = await runCommand(node, ['-e', code], { input: Readable.from([bytes.subarray(0, 3), bytes.subarray(3)]), stdoutTo: sink });
  expect(result.stdout).toBe('');
  expect(Buffer.concat(chunks)).toEqual(bytes);
});
