// `npm run nx -- run infra:cluster-up` / `infra:cluster-down`: the hermetic single-node
// cluster (see docs/local-cluster.md); `infra:cluster-build` only builds its binaries (CI
// starts it early, in the background). Each prints its steps with their times.
import { buildBinaries } from './build';
import { clusterDown } from './down';
import { layout } from './layout';
import { clusterUp, timer } from './up';

async function main(action: string | undefined): Promise<void> {
  switch (action) {
    case 'up':
      return clusterUp(layout(), timer());
    case 'down':
      return clusterDown(layout(), timer());
    case 'build':
      return buildBinaries(layout(), timer());
    default:
      throw new Error(`the first argument must be up, down or build (got "${action ?? ''}")`);
  }
}

if (require.main === module) {
  main(process.argv[2]).catch((error: unknown) => {
    console.error(`cluster-${process.argv[2] ?? ''}: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
