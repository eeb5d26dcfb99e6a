#!/usr/bin/env node
// Plain JavaScript: it shares toolchain.mjs with setup.mjs, which runs before any TypeScript runner exists.
// Runs the workspace's pinned Nx with the workspace's tools on PATH and .env loaded,
// so `npm run nx -- <args>` behaves the same on every machine.
import path from 'node:path';
import { hasNodeModules, nxBin, run, workspaceRoot } from './toolchain.mjs';

if (!hasNodeModules()) {
  console.error('nx: node_modules is missing; run `npm run setup` first.');
  process.exit(1);
}
const { config } = await import('dotenv');
// Values already in the environment win over .env, as with every dotenv user.
config({ path: path.join(workspaceRoot, '.env'), quiet: true });
process.exit(run(nxBin, process.argv.slice(2)));
