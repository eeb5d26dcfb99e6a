// The dev server's allowlist, checked with the matcher `next dev` itself uses on /_next/*
// requests: loopback names pass, any other host stays blocked.
import { isCsrfOriginAllowed } from 'next/dist/server/app-render/csrf-protection';
import nextConfig from '../../../next.config';

// What blockCrossSiteDEV allows: localhost always, then the configured names.
const allowed = ['**.localhost', 'localhost', ...(nextConfig.allowedDevOrigins ?? [])];
const hostOf = (origin: string) => new URL(origin).hostname.toLowerCase();

describe('allowedDevOrigins', () => {
  it.each(['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://127.0.0.1:4123'])('lets %s load dev resources', (origin) => {
    expect(isCsrfOriginAllowed(hostOf(origin), allowed)).toBe(true);
  });

  it.each(['http://192.168.1.20:3000', 'http://example.com', 'http://127.0.0.1.example.com', 'http://0.0.0.0:3000', 'http://127.0.0.2:3000'])(
    'keeps %s blocked',
    (origin) => {
      expect(isCsrfOriginAllowed(hostOf(origin), allowed)).toBe(false);
    },
  );

  it('names loopback hosts only', () => {
    expect(nextConfig.allowedDevOrigins).toEqual(['127.0.0.1', '[::1]']);
  });
});
