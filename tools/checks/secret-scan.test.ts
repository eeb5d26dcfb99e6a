// The scan of tracked files for credentials, and proof that each rule fires.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RULES, scanRepository, scanText } from './secret-scan';

const root = path.resolve(__dirname, '../..');

// Samples are assembled at run time so that this file itself stays clean.
const samples = {
  'OpenAI API key': 'OPENAI_API_KEY=' + 'sk-' + 'proj-' + 'Ab3'.repeat(10),
  'Anthropic API key': 'key: ' + 'sk-' + 'ant-' + 'x9'.repeat(15),
  'AWS access key id': 'aws_access_key_id = ' + 'AKIA' + 'Q'.repeat(16),
  'GitHub token': 'token ' + 'ghp' + '_' + 'a1'.repeat(18),
  'Google API key': 'k=' + 'AIza' + 'b'.repeat(35),
  'Slack token': 'xox' + 'b-' + '1234567890-abcdef',
  'private key': '-----BEGIN ' + 'RSA PRIVATE' + ' KEY-----',
  'JSON Web Token': 'eyJ' + 'hbGciOiJIUzI1NiJ9' + '.eyJ' + 'zdWIiOiJ1c2VyIn0' + '.' + 's'.repeat(43),
  'value for a secret variable': 'JWT_' + 'SECRET=' + 'q8Zr2'.repeat(8),
  'hosted database URL with a password':
    'DATABASE_URL=postgresql://' + 'neondb_owner:' + 'npg_Xyz12345' + '@ep-cool-1.eu-central-1.aws.neon.tech/neondb',
};

test('every rule has a sample that it catches', () => {
  assert.deepEqual(Object.keys(samples).sort(), RULES.map(([name]) => name).sort());
  for (const [rule, sample] of Object.entries(samples)) {
    const hits = scanText('sample.txt', `first line\n${sample}\n`);
    assert.ok(hits.some((h) => h.rule === rule && h.line === 2), `${rule} not caught in: ${sample}`);
  }
});

test('placeholders and local URLs are not flagged', () => {
  const text = [
    'OPENAI_API_KEY=',
    'DATABASE_URL=postgresql://todo:todo@localhost:5432/todo',
    'JWT_SECRET=',
    'JWT_SECRET=${JWT_SECRET}',
    'BETTER_AUTH_SECRET: <generated>',
    'POSTGRES_PASSWORD=$POSTGRES_PASSWORD',
    'JWT_SECRET=DEV_JWT_SECRET',
    '        JWT_SECRET=DEV_JWT_SECRET,',
    '    run(JWT_SECRET=settings.jwt_secret)',
    'sk-short',
  ].join('\n');
  assert.deepEqual(scanText('.env.example', text), []);
});

test('secret variables with real-looking values are caught in every syntax', () => {
  const value = 'x7Kq' + '9'.repeat(12);
  for (const line of [`JWT_SECRET=${value}`, `export BETTER_AUTH_SECRET="${value}"`, `  POSTGRES_PASSWORD: ${value}`, `OPENAI_API_KEY='${value}'`]) {
    assert.equal(scanText('x', line).length, 1, line);
  }
});

test('a line marked `secret-scan: allow` is skipped', () => {
  const line = samples['AWS access key id'] + ' # secret-scan: allow';
  assert.deepEqual(scanText('doc.md', line), []);
});

test('a tracked env file is a hit, the example is not', () => {
  const repo = mkdtempSync(path.join(tmpdir(), 'secret-scan-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  git('init', '-q');
  writeFileSync(path.join(repo, '.env'), 'A=1\n');
  writeFileSync(path.join(repo, '.env.example'), 'A=\n');
  writeFileSync(path.join(repo, 'leak.py'), `KEY = "${samples['GitHub token'].split(' ')[1]}"\n`);
  git('add', '-f', '.env', '.env.example', 'leak.py');
  const hits = scanRepository(repo).map((h) => `${h.file}:${h.rule}`);
  assert.deepEqual(hits.sort(), ['.env:tracked env file (only .env.example belongs in git)', 'leak.py:GitHub token']);
});

test('this repository has no credentials in tracked files', () => {
  const hits = scanRepository(root);
  assert.deepEqual(hits, [], hits.map((h) => `${h.file}:${h.line}: ${h.rule}`).join('\n'));
});
