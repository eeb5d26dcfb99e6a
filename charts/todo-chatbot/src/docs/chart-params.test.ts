// The chart README's parameters table is generated from values.yaml and kept current.
import { readFileSync } from 'node:fs';
import { parametersTable, readmeFile, updatedReadme } from './chart-params';

test('the chart README lists every @param of values.yaml, with its current default', () => {
  const readme = readFileSync(readmeFile, 'utf8');
  // On failure: out of date, run `npm run nx -- run chart:docs`.
  expect(readme).toBe(updatedReadme(readme));
});

test('defaults are read from the values, and objects point to values.yaml', () => {
  const table = parametersTable(
    ['## @section S', '## @param a.b A string', 'a:', '  b: "x"', '## @param n A number', 'n: 3', '## @param o Some map', 'o:', '  k: v', '## @param e Empty', 'e: {}'].join('\n'),
  );
  expect(table).toMatch(/^### S$/m);
  expect(table).toMatch(/\| `a\.b` \| A string \| `"x"` \|/);
  expect(table).toMatch(/\| `n` \| A number \| `3` \|/);
  expect(table).toMatch(/\| `o` \| Some map \| `see values.yaml` \|/);
  expect(table).toMatch(/\| `e` \| Empty \| `\{\}` \|/);
});

test('a @param that names no value is an error naming it', () => {
  expect(() => parametersTable('## @section S\n## @param missing.key Gone\nother: 1\n')).toThrow(/@param missing\.key names no value/);
});
