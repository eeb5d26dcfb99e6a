// `--load hermetic`: the cluster has no registry to pull from, so every image the release's
// pods run (the apps, PostgreSQL, the test pods) is copied from the local Docker engine into
// the node's containerd, each only when the node lacks it.
import type { Helm } from '@todo/kube';
import { importImages } from '../hermetic/node';
import { layout } from '../hermetic/layout';
import { chartDir } from '../workspace';
import { type DeployOptions, type DeployPlan, workloadImages } from './plan';

type Log = (line: string) => void;

export async function loadIntoHermeticNode(helm: Helm, options: DeployOptions, plan: DeployPlan, workspace: string, env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  const objects = await helm.template(chartDir, { release: options.release, namespace: options.namespace, values: plan.values, set: plan.set });
  const images = [...new Set(Object.values(workloadImages(objects)).flat())].sort();
  const imported = await importImages(layout(workspace), images, env).catch((err: Error) => {
    throw new Error(`could not copy the release's images (${images.join(', ')}) from Docker into the node: ${err.message}\n` +
      'Each must be in the local engine first: `docker pull <image>`, or build it (npm run nx -- run-many -t docker-build).');
  });
  log(imported.length ? `imported into the node's containerd: ${imported.join(', ')}` : `the node already has every image the release runs (${images.length})`);
}
