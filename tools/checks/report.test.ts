// Benchmark sections in docs/benchmarks.md: added once, replaced in place, others untouched.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeSection } from '../bench/report';

test('adds a section, then replaces only its own body', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'report-')), 'benchmarks.md');
  writeFileSync(file, '# Benchmarks\n\nIntro stays.\n');
  writeSection('a-bench', 'A', 'first A', file);
  writeSection('b-bench', 'B', 'first B', file);
  writeSection('a-bench', 'A', 'second A', file);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /Intro stays\./);
  assert.match(text, /## A\n\n<!-- a-bench:start -->\nsecond A\n<!-- a-bench:end -->/);
  assert.match(text, /<!-- b-bench:start -->\nfirst B\n<!-- b-bench:end -->/);
  assert.doesNotMatch(text, /first A/);
  assert.equal(text.match(/## A/g)?.length, 1);
});
