// Files that hold secrets or machine-local state must never be committable.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '../..');
const ignored = (file: string) => spawnSync('git', ['check-ignore', '-q', '--no-index', file], { cwd: root }).status === 0;

test('env files, local databases, tool and agent settings are ignored', () => {
  for (const file of [
    '.env', '.env.local', '.env.production', 'apps/api/.env',
    'apps/api/.data/todo.sqlite3', 'todo.db', 'auth.sqlite', '.envrc',
    '.claude/settings.local.json', '.cursor/mcp.json', '.vscode/settings.json', '.idea/workspace.xml',
    'node_modules/x/index.js', '.venv/bin/python', '.tools/bin/uv', '.nx/cache/x',
    'server.key', 'tls.pem',
  ]) {
    assert.ok(ignored(file), `${file} should be ignored`);
  }
});

test('the documented example and the lock files are tracked', () => {
  for (const file of ['.env.example', 'uv.lock', 'package-lock.json']) {
    assert.ok(!ignored(file), `${file} must not be ignored`);
  }
});
