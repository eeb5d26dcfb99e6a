/** @jest-environment node */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, DEV_JWT_SECRET, loadConfig, normaliseDatabaseUrl, PEER_ADDRESS_HEADER } from './config.mjs';

const strong = 's'.repeat(40);
const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('needs nothing in development', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.backendUrl).toBe('http://localhost:8000');
    expect(config.jwtSecret).toBe(DEV_JWT_SECRET);
  });

  it('names every missing variable in production', () => {
    expect(problems({ APP_ENV: 'production' })).toEqual([
      'BACKEND_URL (or NEXT_PUBLIC_BACKEND_URL) is required in production',
      'BETTER_AUTH_SECRET is required in production',
      'JWT_SECRET is required in production',
      'BETTER_AUTH_URL (the public origin, e.g. https://todo.example.com) is required in production',
    ]);
  });

  it('treats NODE_ENV=production without APP_ENV as production', () => {
    expect(problems({ NODE_ENV: 'production' })).toContain('BETTER_AUTH_SECRET is required in production');
  });

  it('refuses short secrets, naming them', () => {
    const found = problems({
      APP_ENV: 'production', BACKEND_URL: 'http://api:8000', BETTER_AUTH_URL: 'https://todo.example.com', BETTER_AUTH_SECRET: 'short', JWT_SECRET: 'tiny',
    });
    expect(found).toEqual(['BETTER_AUTH_SECRET must be at least 32 bytes', 'JWT_SECRET must be at least 32 bytes']);
  });

  it('reads the backend URL at run time, honouring the NEXT_PUBLIC_ alias', () => {
    expect(loadConfig({ NEXT_PUBLIC_BACKEND_URL: 'http://api:8000/' }).backendUrl).toBe('http://api:8000');
    expect(loadConfig({ BACKEND_URL: 'http://a:1', NEXT_PUBLIC_BACKEND_URL: 'http://b:2' }).backendUrl).toBe('http://a:1');
    expect(problems({ BACKEND_URL: 'api:8000' })).toEqual(['BACKEND_URL must be an http(s) URL such as http://api:8000']);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      APP_ENV: 'production', BACKEND_URL: 'http://api:8000', BETTER_AUTH_URL: 'https://todo.example.com/',
      BETTER_AUTH_SECRET: strong, JWT_SECRET: `${strong}j`, AUTH_TRUSTED_ORIGINS: 'http://localhost:8080, http://127.0.0.1:8080',
    });
    expect(config.jwtSecret).toBe(`${strong}j`);
    expect(config.authSecret).toBe(strong);
    expect(config.authUrl).toBe('https://todo.example.com');
    expect(config.trustedOrigins).toEqual(['https://todo.example.com', 'http://localhost:8080', 'http://127.0.0.1:8080']);
  });

  it('trusts both local spellings outside production', () => {
    expect(loadConfig({ PORT: '3100' }).trustedOrigins).toEqual(['http://localhost:3100', 'http://127.0.0.1:3100']);
    expect(problems({ AUTH_TRUSTED_ORIGINS: 'not a url' })).toEqual([
      'AUTH_TRUSTED_ORIGINS must be comma-separated origins such as http://localhost:8080',
    ]);
  });

  it('falls back to BETTER_AUTH_SECRET for the API token key, like the API does', () => {
    expect(loadConfig({ BETTER_AUTH_SECRET: strong }).jwtSecret).toBe(strong);
  });

  it('reads client addresses from the connection unless a trusted proxy header is declared', () => {
    expect(loadConfig({}).clientAddressHeader).toBe(PEER_ADDRESS_HEADER);
    expect(loadConfig({ TRUSTED_PROXY_HEADER: ' X-Real-IP ' }).clientAddressHeader).toBe('x-real-ip');
    expect(problems({ TRUSTED_PROXY_HEADER: 'x-real-ip, x-forwarded-for' })).toEqual(['TRUSTED_PROXY_HEADER must be one header name, such as x-real-ip']);
  });

  it('uses the same development placeholder as the API', () => {
    const python = readFileSync(path.join(__dirname, '../../../../api/todo_api/core/config.py'), 'utf8');
    expect(python).toContain(`DEV_JWT_SECRET = "${DEV_JWT_SECRET}"`);
  });
});

describe('normaliseDatabaseUrl', () => {
  it.each([
    ['postgres://u:p@h/d', 'postgresql://u:p@h/d'],
    ['postgresql+psycopg://u:p@h/d', 'postgresql://u:p@h/d'],
    ['postgresql+asyncpg://u:p@h/d?ssl=true', 'postgresql://u:p@h/d?sslmode=require'],
    ['postgresql://u:p@h/d?sslmode=require&channel_binding=require', 'postgresql://u:p@h/d?sslmode=require&channel_binding=require'],
  ])('%s -> %s', (raw, expected) => {
    expect(normaliseDatabaseUrl(raw)).toBe(expected);
  });

  it('refuses other databases, naming the variable', () => {
    expect(() => normaliseDatabaseUrl('mysql://u:p@h/d')).toThrow(/DATABASE_URL/);
  });
});
