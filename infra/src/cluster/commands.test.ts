// The cluster targets' commands, as argument arrays, for a release in any kube context.
import type { Helm, Kubectl, Minikube } from '@todo/kube';
import { stepsFor } from './cli';
import type { Tools } from './commands';

const commands = (argv: string[]) => stepsFor(argv).map((s) => s.command.join(' '));

test('minikube-up starts a cluster that fits the release, with metrics-server and ingress', () => {
  expect(commands(['minikube-up'])).toEqual(['minikube start --cpus=2 --memory=4g --addons=metrics-server --addons=ingress', 'minikube status']);
  expect(commands(['minikube-up', '--profile', 'dev'])[0]).toMatch(/^minikube --profile dev start /);
});

test('status and logs select the release by its instance label, in its namespace and context', () => {
  expect(commands(['status', '--release', 'rel', '--namespace', 'ns', '--context', 'kind-ci'])).toEqual([
    'helm --kube-context kind-ci --namespace ns status rel',
    'kubectl --context kind-ci --namespace ns get pods,services,hpa,pvc,ingress -l app.kubernetes.io/instance=rel -o wide',
  ]);
  expect(commands(['logs', '--tail', '20'])).toEqual([
    'kubectl --namespace todo logs -l app.kubernetes.io/instance=todo --all-containers --prefix --max-log-requests=10 --tail=20',
  ]);
});

test('rollback goes to the previous revision, or the one named', () => {
  expect(commands(['rollback']).at(-1)).toBe('helm --namespace todo rollback todo --wait --timeout 10m');
  expect(commands(['rollback', '--revision', '3']).at(-1)).toBe('helm --namespace todo rollback todo 3 --wait --timeout 10m');
  expect(() => stepsFor(['rollback', '--revision', '0'])).toThrow('revision must be a positive whole number');
});

test('destroy keeps the data unless asked, and deletes Minikube only when asked', () => {
  expect(commands(['destroy'])).toEqual(['helm --namespace todo uninstall todo --ignore-not-found --wait']);
  expect(commands(['destroy', '--purge', '--minikube'])).toEqual([
    'helm --namespace todo uninstall todo --ignore-not-found --wait',
    'kubectl --namespace todo delete pvc,secret -l app.kubernetes.io/instance=todo --ignore-not-found',
    'minikube delete',
  ]);
});

test('an unknown action or option is named', () => {
  expect(() => stepsFor(['deploy'])).toThrow('the first argument must be one of minikube-up, status, logs, rollback, destroy (got "deploy")');
  expect(() => stepsFor(['status', '--force'])).toThrow(/Unknown option '--force'/);
});

test('helm steps call the typed Helm methods; kubectl and minikube steps run the shown arguments', async () => {
  const calls: unknown[][] = [];
  const record =
    (name: string, result: unknown = undefined) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args.filter((a) => !(typeof a === 'object' && a !== null && 'onProgress' in a))]);
      return result;
    };
  const helm = { rollback: record('helm rollback'), uninstall: record('helm uninstall'), history: record('helm history', []) } as unknown as Helm;
  const kubectl = { run: record('kubectl') } as unknown as Kubectl;
  const minikube = { run: record('minikube') } as unknown as Minikube;
  const tools: Tools = { helm: async () => helm, kubectl: async () => kubectl, minikube: () => minikube, print: () => undefined };
  for (const step of [...stepsFor(['rollback', '--revision', '3']), ...stepsFor(['destroy', '--purge', '--minikube'])]) await step.run(tools);
  expect(calls).toEqual([
    ['helm history', 'todo', { max: 5 }],
    ['helm rollback', 'todo', 3, { wait: true, timeout: '10m' }],
    ['helm uninstall', 'todo', { ignoreNotFound: true, wait: true }],
    ['kubectl', ['--namespace', 'todo', 'delete', 'pvc,secret', '-l', 'app.kubernetes.io/instance=todo', '--ignore-not-found']],
    ['minikube', ['delete']],
  ]);
});
