// The CI closing line: totals from JUnit reports, and failure when nothing ran.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const script = path.resolve(__dirname, '../ci/summarise-junit.ts');
const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');

function summarise(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'junit-'));
  for (const [name, xml] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), xml);
  }
  return spawnSync(tsx, [script, dir], { encoding: 'utf8' });
}

test('adds up passed, failed and skipped cases across reports', () => {
  const result = summarise({
    'a/junit.xml': '<testsuite><testcase name="x"/><testcase name="y"><skipped/></testcase></testsuite>',
    'b/junit.xml': '<testsuites><testsuite><testcase name="z"></testcase></testsuite></testsuites>',
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^2 passed, 0 failed, 1 skipped$/m);
});

test('a failure or an error fails the run', () => {
  const result = summarise({
    'junit.xml': '<testsuite><testcase name="x"><failure message="boom"/></testcase><testcase name="y"><error/></testcase></testsuite>',
  });
  assert.equal(result.status, 1);
  assert.match(result.stdout, /^0 passed, 2 failed, 0 skipped$/m);
});

test('no test at all fails the run', () => {
  const result = summarise({ 'junit.xml': '<testsuite></testsuite>' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /no tests ran/);
});
