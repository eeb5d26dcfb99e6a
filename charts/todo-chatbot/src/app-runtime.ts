// What the apps publish for the chart to agree with: apps/<app>/runtime.json, generated from
// each app's own code (`todo-api runtime`, web's scripts/runtime-manifest.ts) and kept
// current by the apps' tests. The chart tests compare the chart with these, never with a copy.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './workspace';

export type App = 'api' | 'web';

export interface AppRuntime {
  /** The runtime image: its user and the ports it EXPOSEs. */
  image: { uid: number; gid: number; ports: number[] };
  /** Where the app serves Prometheus metrics by default, and the variable that moves them. */
  metrics: { port: number; env: string; path: string };
  /** The routes behind the kubelet's probes. */
  probes: { startup: string; liveness: string; readiness: string };
  /** The api's preStop route (GET with ?seconds=N): connection draining before it stops. */
  drain?: string;
  /** GET routes the app serves (the api publishes them; web checks its probes have handlers). */
  routes?: string[];
  /** Every environment variable the app reads. */
  env: { name: string; requiredInProduction: boolean }[];
}

export const runtimeFile = (app: App): string => path.join(root, 'apps', app, 'runtime.json');

/** apps/<app>/runtime.json. */
export function appRuntime(app: App): AppRuntime {
  const runtime = JSON.parse(readFileSync(runtimeFile(app), 'utf8')) as AppRuntime;
  if (!runtime.image?.ports?.length || !runtime.probes || !runtime.env?.length || !runtime.metrics?.port) {
    throw new Error(`${runtimeFile(app)} lacks image ports, probes, env or metrics`);
  }
  return runtime;
}

/** The names of the variables an app reads. */
export const envReads = (app: App): Set<string> => new Set(appRuntime(app).env.map((e) => e.name));

// ---------------------------------------------------------------- inline scripts

/** Names a Python script reads with os.environ["X"] / os.environ.get("X") / os.getenv("X"). */
export const pythonScriptEnvReads = (script: string): string[] =>
  [...script.matchAll(/os\.(?:environ\.get\(|environ\[|getenv\()\s*["']([A-Z_][A-Z0-9_]*)["']/g)].map((m) => m[1]!);

/** Names a JavaScript script reads with process.env.X. */
export const nodeScriptEnvReads = (script: string): string[] => [...script.matchAll(/process\.env\.([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!);
