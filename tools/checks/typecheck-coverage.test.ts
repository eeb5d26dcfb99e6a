// Every TypeScript file git tracks is checked by some project's `tsc -p`: a file no
// tsconfig includes would be run by tsx or Next.js without ever being type-checked.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const root = path.resolve(__dirname, '../..');

function tracked(patterns: string[]): string[] {
  const result = spawnSync('git', ['ls-files', '-z', '--', ...patterns], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\0').filter(Boolean);
}

/** The files a tsconfig includes, as tsc -p would read them (extends and globs resolved). */
function filesOf(config: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, config), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  });
  assert.ok(parsed, `${config} could not be read`);
  return parsed.fileNames.map((file) => path.relative(root, file));
}

/** The tsconfigs that project.json targets run with `tsc -p`. */
function checkedConfigs(): Set<string> {
  const commands = tracked(['*project.json']).map((file) => ts.sys.readFile(path.join(root, file)) ?? '');
  return new Set(commands.flatMap((text) => [...text.matchAll(/tsc -p ([\w./-]+)/g)].map((m) => m[1] ?? '')));
}

test('every tracked .ts and .tsx file is included by a tsconfig that a typecheck target runs', () => {
  const configs = tracked(['*tsconfig*.json']).filter((file) => !file.endsWith('tsconfig.base.json') && file !== 'tsconfig.json');
  const run = checkedConfigs();
  assert.deepEqual(configs.filter((config) => !run.has(config)), [], 'tsconfigs no target runs `tsc -p` with');
  const covered = new Set(configs.flatMap(filesOf));
  const missing = tracked(['*.ts', '*.tsx']).filter((file) => !file.endsWith('.d.ts') && !covered.has(file));
  assert.deepEqual(missing, [], `not type-checked by any project: add them to a tsconfig's "include"`);
});

test('the workspace stays strict: no tsconfig turns strict or noImplicitAny off', () => {
  for (const config of tracked(['*tsconfig*.json'])) {
    const { config: json } = ts.readConfigFile(path.join(root, config), ts.sys.readFile);
    const options = (json?.compilerOptions ?? {}) as Record<string, unknown>;
    assert.notEqual(options.strict, false, `${config} sets strict: false`);
    assert.notEqual(options.noImplicitAny, false, `${config} sets noImplicitAny: false`);
  }
});
