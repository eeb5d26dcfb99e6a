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
  reactStrictMode: true,
};

export default nextConfig;
