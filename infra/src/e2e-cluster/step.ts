// What every step of infra:e2e-cluster shares: the release, the signed-in user whose
// traffic runs through several steps, and what earlier steps learnt.
import type { Release } from './cluster';
import type { User } from './traffic';

export interface Context {
  release: Release;
  /** the deploy's extra values (infra/values/e2e-cluster.yaml) */
  values: string[];
  reportsDir: string;
  /** a user signed up after the install, whose tasks must survive every later step */
  user?: User;
  /** helm revision and api image tag that served before the change-only step */
  beforeChange?: { revision: number; apiImage: string };
  /** figures for docs/benchmarks.md: name → value (ms unless the name says otherwise) */
  figures: Record<string, number | string>;
}

export interface Step {
  title: string;
  /** Resolves with what it proved, in one line; throws when it did not. */
  run(ctx: Context): Promise<string>;
}

export function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
