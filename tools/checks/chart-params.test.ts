// The chart README's parameters table is generated from values.yaml and kept current.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parametersTable, readmeFile, updatedReadme } from '../scripts/chart-params';

test('the chart README lists every @param of values.yaml, with its current default', () => {
  const readme = readFileSync(readmeFile, 'utf8');
  assert.equal(readme, updatedReadme(readme), 'out of date: run `npx tsx tools/scripts/chart-params.ts`');
});

test('defaults are read from the values, and objects point to values.yaml', () => {
  const table = parametersTable(
    ['## @section S', '## @param a.b A string', 'a:', '  b: "x"', '## @param n A number', 'n: 3', '## @param o Some map', 'o:', '  k: v', '## @param e Empty', 'e: {}'].join('\n'),
  );
  assert.match(table, /^### S$/m);
  assert.match(table, /\| `a\.b` \| A string \| `"x"` \|/);
  assert.match(table, /\| `n` \| A number \| `3` \|/);
  assert.match(table, /\| `o` \| Some map \| `see values.yaml` \|/);
  assert.match(table, /\| `e` \| Empty \| `\{\}` \|/);
});

test('a @param that names no value is an error naming it', () => {
  assert.throws(() => parametersTable('## @section S\n## @param missing.key Gone\nother: 1\n'), /@param missing\.key names no value/);
});
