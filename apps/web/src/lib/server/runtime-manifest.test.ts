/** @jest-environment node */
// apps/web/runtime.json (what the Helm chart's tests read about web) is current and complete.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_CONSTANTS, renderRuntimeManifest } from '../../../scripts/runtime-manifest';
import { ConfigError, ENV_VARS, loadConfig } from './config.mjs';

const webDir = path.resolve(__dirname, '../../..');

/** Non-test source files under a directory. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__tests__' ? [] : sources(full);
    return /\.(ts|tsx|mjs)$/.test(e.name) && !/\.(test|spec)\./.test(e.name) ? [full] : [];
  });

test('the committed runtime.json is current (else: npm run nx -- run web:runtime)', () => {
  expect(readFileSync(path.join(webDir, 'runtime.json'), 'utf8')).toBe(renderRuntimeManifest(webDir));
});

test('it lists every variable the server reads (env.NAME / process.env.NAME in src)', () => {
  const listed = new Set((JSON.parse(readFileSync(path.join(webDir, 'runtime.json'), 'utf8')) as { env: { name: string }[] }).env.map((e) => e.name));
  const reads = new Set(sources(path.join(webDir, 'src')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\benv\.([A-Z_][A-Z0-9_]*)\b/g)].map((m) => m[1]!)));
  expect([...reads].filter((name) => !listed.has(name) && !BUILD_CONSTANTS.includes(name))).toEqual([]);
});

test('the build constants are the ones next.config.ts writes in, and no deployment sets them', () => {
  const config = readFileSync(path.join(webDir, 'next.config.ts'), 'utf8');
  const written = [...(/\benv: \{([^}]*)\}/.exec(config)?.[1] ?? '').matchAll(/([A-Z_][A-Z0-9_]*):/g)].map((m) => m[1]);
  expect(written).toEqual(BUILD_CONSTANTS);
  expect(ENV_VARS.map((v) => v.name)).not.toEqual(expect.arrayContaining(BUILD_CONSTANTS));
});

describe.each(ENV_VARS.filter((v) => v.requiredInProduction).map((v) => v.name))('production without %s', (name) => {
  it('refuses to start, naming it', () => {
    const env: Record<string, string> = {
      APP_ENV: 'production',
      BACKEND_URL: 'http://api:8000',
      BETTER_AUTH_SECRET: 's'.repeat(40),
      BETTER_AUTH_URL: 'https://todo.example.com',
    };
    delete env[name];
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
