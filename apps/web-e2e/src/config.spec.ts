// The production server refuses to start without its configuration, naming each variable.
import { expect, test } from './fixtures';
import path from 'node:path';
import { attemptCommand } from '@todo/kube';
import { readState, root } from './stack';

test('the production web server names missing configuration and exits', async () => {
  const settings = { APP_ENV: 'production', PORT: '3960', HOSTNAME: '127.0.0.1', JWT_SECRET: 'tiny-s3cr3t' };
  const state = readState();
  // The local production build, or (against containers or a cluster) the web image itself.
  const webImage = state.containers?.webImage ?? state.kubernetes?.webImage;
  const result = webImage
    ? await attemptCommand('docker', ['run', '--rm', ...Object.entries(settings).flatMap(([k, v]) => ['-e', `${k}=${v}`]), webImage], {
        timeoutMs: 60_000,
      })
    : await attemptCommand(process.execPath, [path.join(root, 'apps/web/.next/standalone/apps/web/server.js')], {
        env: { PATH: process.env.PATH ?? '', ...settings },
        timeoutMs: 30_000,
      });
  expect(result.exitCode).toBe(2);
  const output = `${result.stdout}${result.stderr}`;
  expect(output).toContain('BACKEND_URL (or NEXT_PUBLIC_BACKEND_URL) is required in production');
  expect(output).toContain('BETTER_AUTH_SECRET is required in production');
  expect(output).toContain('JWT_SECRET must be at least 32 bytes');
  expect(output).not.toContain('tiny-s3cr3t'); // the value itself is never printed
});
