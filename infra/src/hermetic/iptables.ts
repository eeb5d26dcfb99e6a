// The iptables chains the cluster's components create on their own (kube-proxy's and the
// kubelet's KUBE-*, the bridge plugin's CNI-*), found by comparing with the chains that
// existed before cluster-up, and removed with the rules that jump to them. Nothing else is
// touched: not Docker's chains, not `kube-proxy --cleanup` (which also flushes the whole
// machine's IPVS table).
import { attemptCommand, findOnPath, runCommand } from '@todo/kube';

export const TABLES = ['filter', 'nat', 'mangle'] as const;
export type Family = 'iptables' | 'ip6tables';

/** family → table → chain names, as `-save` lists them. */
export type ChainSnapshot = Partial<Record<Family, Record<string, string[]>>>;

export function families(env: NodeJS.ProcessEnv = process.env): Family[] {
  return (['iptables', 'ip6tables'] as const).filter((f) => findOnPath(f, env['PATH']));
}

/** Chain names per table from `iptables-save -t TABLE` output (`:NAME POLICY [..]` lines). */
export function parseChains(save: string): string[] {
  return save
    .split('\n')
    .filter((line) => line.startsWith(':'))
    .map((line) => line.slice(1).split(' ')[0]!)
    .filter(Boolean);
}

export async function snapshotChains(): Promise<ChainSnapshot> {
  const snapshot: ChainSnapshot = {};
  for (const family of families()) {
    const tables: Record<string, string[]> = {};
    for (const table of TABLES) {
      const saved = await attemptCommand(`${family}-save`, ['-t', table]);
      tables[table] = saved.ok ? parseChains(saved.stdout) : [];
    }
    snapshot[family] = tables;
  }
  return snapshot;
}

/** Only chains named like the components name theirs are ever removed (never Docker's). */
const OURS = /^(KUBE-|CNI-)/;

/** KUBE-* and CNI-* chains that exist now and did not before. */
export function newChains(before: ChainSnapshot, now: ChainSnapshot): { family: Family; table: string; chain: string }[] {
  const found: { family: Family; table: string; chain: string }[] = [];
  for (const [family, tables] of Object.entries(now) as [Family, Record<string, string[]>][]) {
    for (const [table, chains] of Object.entries(tables)) {
      const had = new Set(before[family]?.[table] ?? []);
      for (const chain of chains) if (OURS.test(chain) && !had.has(chain)) found.push({ family, table, chain });
    }
  }
  return found;
}

/** Rule numbers (1-based) in `-L CHAIN -n --line-numbers` output whose target is one of `targets`. */
export function rulesJumpingTo(listing: string, targets: ReadonlySet<string>): number[] {
  return listing
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => /^\d+$/.test(fields[0] ?? '') && targets.has(fields[1] ?? ''))
    .map((fields) => Number(fields[0]));
}

/** Removes every chain created since `before`, and the rules in other chains that jump to them. */
export async function removeNewChains(before: ChainSnapshot): Promise<number> {
  const now = await snapshotChains();
  const created = newChains(before, now);
  for (const family of families()) {
    for (const table of TABLES) {
      const mine = new Set(created.filter((c) => c.family === family && c.table === table).map((c) => c.chain));
      if (mine.size === 0) continue;
      // Jumps into ours from every other chain (built-in ones like INPUT and FORWARD above all).
      for (const chain of (now[family]?.[table] ?? []).filter((c) => !mine.has(c))) {
        const listing = await attemptCommand(family, ['-w', '-t', table, '-L', chain, '-n', '--line-numbers']);
        for (const n of rulesJumpingTo(listing.stdout, mine).reverse()) await runCommand(family, ['-w', '-t', table, '-D', chain, String(n)]);
      }
      for (const chain of mine) await runCommand(family, ['-w', '-t', table, '-F', chain]);
      for (const chain of mine) await runCommand(family, ['-w', '-t', table, '-X', chain]);
    }
  }
  return created.length;
}
