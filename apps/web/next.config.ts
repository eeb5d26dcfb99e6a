import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NextConfig } from 'next';
import { STATIC_SECURITY_HEADERS } from './src/lib/server/security-headers';

const workspaceRoot = path.join(__dirname, '../..');

// The workspace's version, for the metrics' build info (the image starts `node server.js`,
// with no npm to set npm_package_version).
const { version } = JSON.parse(readFileSync(path.join(workspaceRoot, 'package.json'), 'utf8')) as { version: string };

const nextConfig: NextConfig = {
  env: { TODO_WEB_VERSION: version },
  // A self-contained server (server.js + the node_modules it needs) for small images.
  output: 'standalone',
  outputFileTracingRoot: workspaceRoot,
  turbopack: { root: workspaceRoot },
  // Native and driver packages stay as plain requires in the server bundle.
  serverExternalPackages: ['better-sqlite3', 'pg', 'prom-client'],
  poweredByHeader: false,
  // Every answer; what depends on the request (CSP nonce, no-store, HSTS) comes from src/proxy.ts.
  async headers() {
    return [{ source: '/:path*', headers: Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value })) }];
  },
  reactStrictMode: true,
  // `next dev` serves its scripts and live-reload socket (/_next/*) only to pages opened at
  // localhost; opened by another name the page never hydrates. Loopback names only.
  allowedDevOrigins: ['127.0.0.1', '[::1]'],
  // Next allows one `next dev` per build folder: the browser test's own dev server builds in
  // another (NEXT_DIST_DIR), so it can run while `npm start` is serving.
  ...(process.env.NEXT_DIST_DIR ? { distDir: process.env.NEXT_DIST_DIR } : {}),
};

export default nextConfig;
