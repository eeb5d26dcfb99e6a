// Self time of a V8 CPU profile (node --cpu-prof) by where the code lives: Node's own
// modules, Next's runtime, each app chunk (Turbopack names chunks after what they hold, e.g.
// node_modules_@better-auth_core…), the garbage collector. Production chunks are minified
// and carry no source maps, so a chunk is the finest bucket.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A short, stable name for where a function lives. */
export function bucketOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'V8: garbage collector';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return 'V8: (program)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  if (url.startsWith('node:internal/deps/undici')) return 'node: undici (fetch)';
  const internal = /^node:(?:internal\/)?([a-z_]+)/.exec(url);
  if (internal) return `node: ${internal[1]}`;
  const file = url.replace(/^file:\/\//, '');
  const chunk = /\/\.next\/server\/(?:chunks\/(?:ssr\/)?)?([^/]+)$/.exec(file);
  if (chunk) return `app bundle: ${chunk[1]!.replace(/_[0-9a-z-]{8,}\._\.js$|_[0-9a-z-]{10,}\.js$/, '').replace(/\._\.js$/, '')}`;
  const nextFile = /\/node_modules\/next\/dist\/(.+)$/.exec(file);
  if (nextFile) return `next: ${nextFile[1]!.replace(/^compiled\/next-server\//, '').replace(/\.(runtime\.)?prod\.js$|\.js$/, '')}`;
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  if (pkg) return `package: ${pkg[1]}`;
  return file;
}

/** Self-time milliseconds per bucket, largest first, idle left out; and the total. */
export function selfTimeByBucket(file: string): { totalMs: number; buckets: [string, number][] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const micros = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const bucket = bucketOf(frame.url, frame.functionName);
    micros.set(bucket, (micros.get(bucket) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  micros.delete('(idle)');
  const buckets = [...micros.entries()].map(([b, us]): [string, number] => [b, us / 1000]).sort((a, b) => b[1] - a[1]);
  return { totalMs: buckets.reduce((sum, [, ms]) => sum + ms, 0), buckets };
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    const { totalMs, buckets } = selfTimeByBucket(file);
    console.log(`${file}: ${Math.round(totalMs)} ms busy`);
    for (const [bucket, ms] of buckets.slice(0, 25)) console.log(`  ${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${bucket}`);
  }
}
