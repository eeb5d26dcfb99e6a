// The production server refuses to start without its configuration, naming each variable.
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { root } from './stack';

test('the production web server names missing configuration and exits', () => {
  const server = path.join(root, 'apps/web/.next/standalone/apps/web/server.js');
  const env = { PATH: process.env.PATH ?? '', APP_ENV: 'production', PORT: '3960', HOSTNAME: '127.0.0.1', JWT_SECRET: 'tiny-s3cr3t' };
  const result = spawnSync(process.execPath, [server], { env, encoding: 'utf8', timeout: 30_000 });
  expect(result.status).toBe(2);
  const output = `${result.stdout}${result.stderr}`;
  expect(output).toContain('BACKEND_URL (or NEXT_PUBLIC_BACKEND_URL) is required in production');
  expect(output).toContain('BETTER_AUTH_SECRET is required in production');
  expect(output).toContain('JWT_SECRET must be at least 32 bytes');
  expect(output).not.toContain('tiny-s3cr3t'); // the value itself is never printed
});
