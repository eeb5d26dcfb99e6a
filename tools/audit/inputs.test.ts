// The lock readers and the allow-list parser, on small fixtures and on the workspace's own files.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AllowlistError, isIsoDate, parseAllowlist, readAllowlist } from './allowlist';
import { resolveNpmRegistry } from './audit';
import { readNpmLock, readUvLock } from './locks';

const root = path.resolve(__dirname, '../..');

function fixture(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'audit-locks-')), name);
  writeFileSync(file, text);
  return file;
}

test('package-lock.json: every installed package by name, aliases by their real name, no root or links', () => {
  const file = fixture(
    'package-lock.json',
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'root', version: '1.0.0' },
        'node_modules/a': { version: '1.0.0' },
        'node_modules/b/node_modules/a': { version: '2.0.0' },
        'node_modules/c/node_modules/a': { version: '1.0.0' },
        'node_modules/@scope/pkg': { version: '3.1.0', dev: true },
        'node_modules/alias': { name: 'real-name', version: '0.1.0' },
        'node_modules/workspace-lib': { resolved: 'libs/x', link: true },
        'libs/x': { name: 'workspace-lib', version: '0.0.1' },
      },
    }),
  );
  assert.deepEqual(
    [...readNpmLock(file).entries()],
    [
      ['@scope/pkg', ['3.1.0']],
      ['a', ['1.0.0', '2.0.0']],
      ['real-name', ['0.1.0']],
    ],
  );
});

test('package-lock.json without a packages map (lockfileVersion 1) is refused, naming the file', () => {
  const file = fixture('package-lock.json', JSON.stringify({ lockfileVersion: 1, dependencies: {} }));
  assert.throws(() => readNpmLock(file), (error: Error) => error.message.startsWith(`${file}: has no "packages" object`));
});

test('uv.lock: registry packages with versions, the workspace own (editable, virtual) skipped', () => {
  const file = fixture(
    'uv.lock',
    [
      'version = 1',
      '[manifest]',
      'members = ["app", "ws"]',
      '',
      '[[package]]',
      'name = "Jinja2"',
      'version = "3.1.2"',
      'source = { registry = "https://pypi.org/simple" }',
      'dependencies = [',
      '    { name = "markupsafe" },',
      ']',
      '',
      '[[package]]',
      'name = "numpy"',
      'version = "2.0.0"',
      'source = { registry = "https://pypi.org/simple" }',
      'resolution-markers = ["python_full_version < \'3.12\'"]',
      '',
      '[[package]]',
      'name = "numpy"',
      'version = "2.1.0"',
      'source = { registry = "https://pypi.org/simple" }',
      '',
      '[[package]]',
      'name = "app"',
      'version = "0.1.0"',
      'source = { editable = "apps/app" }',
      '',
      '[package.metadata]',
      'requires-dist = [{ name = "jinja2", specifier = ">=3" }]',
      'version = "9.9.9"',
      '',
      '[[package]]',
      'name = "ws"',
      'source = { virtual = "." }',
      '',
    ].join('\n'),
  );
  const { inventory, skipped } = readUvLock(file);
  assert.deepEqual([...inventory.entries()], [
    ['jinja2', ['3.1.2']],
    ['numpy', ['2.0.0', '2.1.0']],
  ]);
  assert.deepEqual(skipped, ['app', 'ws']);
});

test("the workspace's own lock files are read: ~1,000 npm packages, the Python ones without the workspace's", () => {
  const npm = readNpmLock(path.join(root, 'package-lock.json'));
  assert.ok(npm.size > 500, `only ${npm.size} npm packages`);
  assert.ok(npm.has('typescript'));
  const python = readUvLock(path.join(root, 'uv.lock'));
  assert.ok(python.inventory.size > 50, `only ${python.inventory.size} Python packages`);
  assert.ok(python.inventory.has('fastapi'));
  assert.ok(python.skipped.includes('todo-api'));
  assert.ok(!python.inventory.has('todo-api'));
});

test('the committed allow-list is well-formed', () => {
  assert.ok(Array.isArray(readAllowlist(path.join(root, 'tools/audit/allowlist.json'))));
});

test('allow-list: entries need id, package, reason and a real ISO expiry date; problems name the file', () => {
  const ok = { id: 'GHSA-aaaa-bbbb-cccc', package: 'lodash', reason: 'dev only', expires: '2027-01-31' };
  assert.equal(parseAllowlist('list.json', JSON.stringify({ '//': 'c', entries: [ok] })).length, 1);
  const cases: [unknown, RegExp][] = [
    ['{', /not valid JSON/],
    [[ok], /top level must be an object/],
    [{ entries: {} }, /"entries" must be a list/],
    [{ entries: [ok], extra: 1 }, /unknown top-level key "extra"/],
    [{ entries: [{ ...ok, reason: '' }] }, /entries\[0\]\.reason is missing or empty/],
    [{ entries: [{ id: ok.id, package: 'x', expires: ok.expires }] }, /entries\[0\]\.reason is missing/],
    [{ entries: [{ ...ok, expires: '31/01/2027' }] }, /entries\[0\]\.expires "31\/01\/2027" is not an ISO date/],
    [{ entries: [{ ...ok, expires: '2027-02-30' }] }, /is not an ISO date/],
    [{ entries: [{ ...ok, severity: 'high' }] }, /entries\[0\] has an unknown key "severity"/],
    [{ entries: [ok, ok] }, /entries\[1\] repeats id/],
  ];
  for (const [json, problem] of cases) {
    const text = typeof json === 'string' ? json : JSON.stringify(json);
    assert.throws(
      () => parseAllowlist('tools/audit/list.json', text),
      (error: unknown) =>
        error instanceof AllowlistError &&
        error.message.startsWith('allow-list tools/audit/list.json is malformed: ') &&
        problem.test(error.problem),
      `${text} → ${problem}`,
    );
  }
  assert.ok(isIsoDate('2028-02-29'));
  assert.ok(!isIsoDate('2027-02-29'));
});

test("the npm registry is npm's own setting: environment, then the project's .npmrc, then the default", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-npmrc-'));
  const home = mkdtempSync(path.join(tmpdir(), 'audit-home-'));
  assert.equal(resolveNpmRegistry({}, dir, home), 'https://registry.npmjs.org/');
  writeFileSync(path.join(home, '.npmrc'), 'fund=false\nregistry=https://user.example/npm/\n');
  assert.equal(resolveNpmRegistry({}, dir, home), 'https://user.example/npm/');
  writeFileSync(path.join(dir, '.npmrc'), 'registry = https://project.example/\n');
  assert.equal(resolveNpmRegistry({}, dir, home), 'https://project.example/');
  assert.equal(resolveNpmRegistry({ npm_config_registry: 'https://env.example/' }, dir, home), 'https://env.example/');
});
