// `npm run nx -- run infra:<minikube-up|status|logs|rollback|destroy> [-- options]`:
//   --release todo --namespace todo --context NAME --profile NAME (minikube)
//   rollback: --revision N (default: the previous one)
//   destroy:  --purge (also the database volume and the kept Secret), --minikube (the cluster)
//   logs:     --tail N
// Prints each command before running it; stops at the first that fails.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { resolveHelmBinary, resolveKubectlBinary } from '@todo/kube';
import { root } from '../workspace';
import { type ClusterOptions, type Step, destroy, logs, minikubeUp, rollback, status } from './commands';

const ACTIONS = ['minikube-up', 'status', 'logs', 'rollback', 'destroy'] as const;
type Action = (typeof ACTIONS)[number];

export function stepsFor(argv: string[]): Step[] {
  const [action, ...rest] = argv;
  if (!ACTIONS.includes(action as Action)) throw new Error(`the first argument must be one of ${ACTIONS.join(', ')} (got "${action ?? ''}")`);
  const { values } = parseArgs({
    args: rest,
    options: {
      release: { type: 'string', default: process.env.TODO_RELEASE ?? 'todo' },
      namespace: { type: 'string', default: process.env.TODO_NAMESPACE ?? 'todo' },
      context: { type: 'string' },
      profile: { type: 'string' },
      revision: { type: 'string' },
      tail: { type: 'string', default: '100' },
      purge: { type: 'boolean', default: false },
      minikube: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const o: ClusterOptions = { release: values.release!, namespace: values.namespace!, kubeContext: values.context, profile: values.profile };
  switch (action as Action) {
    case 'minikube-up':
      return minikubeUp(o);
    case 'status':
      return status(o);
    case 'logs':
      return logs(o, Number(values.tail));
    case 'rollback':
      return rollback(o, values.revision === undefined ? undefined : Number(values.revision));
    case 'destroy':
      return destroy(o, { purge: values.purge!, deleteMinikube: values.minikube! });
  }
}

async function main(): Promise<void> {
  const steps = stepsFor(process.argv.slice(2));
  // helm and kubectl from their settings, PATH or the workspace pins; minikube from PATH.
  const uses = (tool: string) => steps.some((s) => s.command[0] === tool);
  const binaries: Record<string, string> = {
    helm: uses('helm') ? (await resolveHelmBinary({ workspaceRoot: root })).path : 'helm',
    kubectl: uses('kubectl') ? (await resolveKubectlBinary({ workspaceRoot: root })).path : 'kubectl',
  };
  for (const { command, why } of steps) {
    const [program, ...args] = [binaries[command[0]!] ?? command[0], ...command.slice(1)];
    console.log(`\n# ${why}\n$ ${command.join(' ')}`);
    const result = spawnSync(program!, args, { stdio: 'inherit' });
    if (result.error) throw new Error(`${command[0]} could not run (${result.error.message}): install it (docs/deploy-minikube.md) or put it on PATH`);
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  });
}
