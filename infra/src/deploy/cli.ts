// `npm run nx -- run infra:deploy [-- options]`: see deploy.ts. Options:
//   --release todo --namespace todo      the Helm release and its namespace
//   --context NAME                       kube context (default: the current one)
//   --load minikube|kind|hermetic|none   how images reach the cluster (default: minikube);
//                                        hermetic: infra:cluster-up's cluster, its kubeconfig and context
//   --cluster NAME                       minikube profile / kind cluster name
//   --registry HOST/PATH                 with --load none: where the cluster pulls from
//   --values FILE                        more values files (repeatable), after infra/values/<load>.yaml
//   --timeout 10m                        helm's wait for readiness (then infra:doctor explains; an upgrade rolls back, a first install is kept)
//   --dry-run                            no cluster: render the release and check its images
import { parseArgs } from 'node:util';
import { CONTEXT, layout } from '../hermetic/layout';
import { deploy } from './deploy';
import { type DeployOptions, LOAD_METHODS, type LoadMethod } from './plan';

export function parseDeployArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): DeployOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      release: { type: 'string', default: env.TODO_RELEASE ?? 'todo' },
      namespace: { type: 'string', default: env.TODO_NAMESPACE ?? 'todo' },
      context: { type: 'string' },
      load: { type: 'string', default: 'minikube' },
      cluster: { type: 'string' },
      registry: { type: 'string' },
      values: { type: 'string', multiple: true, default: [] },
      timeout: { type: 'string', default: '10m' },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const load = values.load as LoadMethod;
  if (!LOAD_METHODS.includes(load)) throw new Error(`--load must be one of ${LOAD_METHODS.join(', ')} (got "${values.load}")`);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(values.release!) || values.release!.length > 53) {
    throw new Error(`--release must be a DNS label of at most 53 characters (got "${values.release}")`);
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(values.namespace!)) throw new Error(`--namespace must be a DNS label (got "${values.namespace}")`);
  if (!/^\d+(s|m|h)$/.test(values.timeout!)) throw new Error(`--timeout must look like 300s, 10m or 1h (got "${values.timeout}")`);
  if (values.registry && load !== 'none') throw new Error('--registry applies only with --load none (the cluster pulls the images itself)');
  return {
    release: values.release!,
    namespace: values.namespace!,
    kubeContext: values.context ?? (load === 'hermetic' ? CONTEXT : undefined),
    load,
    cluster: values.cluster,
    registry: values.registry,
    values: values.values!,
    timeout: values.timeout!,
    dryRun: values['dry-run']!,
  };
}

if (require.main === module) {
  let options: DeployOptions;
  try {
    options = parseDeployArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`deploy: ${error instanceof Error ? error.message : error}`);
    process.exit(2);
  }
  // The hermetic cluster's kubeconfig is the workspace's own: every tool the deploy runs
  // (helm, kubectl, the doctor) reads it from KUBECONFIG.
  if (options.load === 'hermetic') process.env['KUBECONFIG'] = layout().kubeconfig;
  deploy(options).catch((error: unknown) => {
    console.error(`deploy failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
