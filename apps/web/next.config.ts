import path from 'node:path';
import type { NextConfig } from 'next';

const workspaceRoot = path.join(__dirname, '../..');

const nextConfig: NextConfig = {
  // A self-contained server (server.js + the node_modules it needs) for small images.
  output: 'standalone',
  outputFileTracingRoot: workspaceRoot,
  turbopack: { root: workspaceRoot },
  // Native and driver packages stay as plain requires in the server bundle.
  serverExternalPackages: ['better-sqlite3', 'pg'],
  poweredByHeader: false,
  // Everything else gets its headers from src/proxy.ts, which static assets skip.
  async headers() {
    return [{ source: '/_next/static/:path*', headers: [{ key: 'X-Content-Type-Options', value: 'nosniff' }] }];
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
