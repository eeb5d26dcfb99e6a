// The release a deploy would make, rendered by the real helm without a cluster
// (`helm install --dry-run=client`), from docker-build reports in a scratch workspace.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Helm, parseManifests } from '@todo/kube';
import { chartDir, root } from '../workspace';
import { checkRenderedImages, deploy, infraValues, nodePortOrigins } from './deploy';
import { parseDeployArgs } from './cli';

function scratchWorkspace(apiTag: string, webTag: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'deploy-dry-'));
  mkdirSync(path.join(dir, 'dist/images'), { recursive: true });
  for (const [image, tag] of [['todo-api', apiTag], ['todo-web', webTag]] as const) {
    writeFileSync(path.join(dir, 'dist/images', `${image}.json`), JSON.stringify({ image, tag, ref: `${image}:${tag}`, id: 'sha256:0', size: 1, built: true }));
  }
  return dir;
}

test('a dry run renders the release with the images just built, and logs what it would run', async () => {
  const lines: string[] = [];
  const workspace = scratchWorkspace('nx-123', 'nx-456');
  const plan = await deploy(parseDeployArgs(['--dry-run', '--release', 'demo', '--namespace', 'demo-ns']), (l) => lines.push(l), workspace);
  expect(plan.images.map((i) => i.ref)).toEqual(['todo-api:nx-123', 'todo-web:nx-456']);
  const log = lines.join('\n');
  expect(log).toContain('dry run: release demo in demo-ns');
  expect(log).toContain('Deployment/demo-todo-chatbot-api: todo-api:nx-123');
  expect(log).toContain('Deployment/demo-todo-chatbot-web: todo-web:nx-456');
});

test('infra/values/minikube.yaml comes first for --load minikube, nothing for none', () => {
  expect(infraValues(parseDeployArgs([]))).toEqual([path.join(root, 'infra/values/minikube.yaml')]);
  expect(infraValues(parseDeployArgs(['--load', 'none']))).toEqual([]);
});

test('a rendered release that runs another tag than the one built is caught', () => {
  const manifest = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: x-api }
spec: { template: { spec: { containers: [{ name: api, image: "todo-api:nx-OLD" }] } } }
`;
  const plan = { images: [{ app: 'api' as const, repository: 'todo-api', tag: 'nx-NEW', ref: 'todo-api:nx-NEW' }, { app: 'web' as const, repository: 'todo-web', tag: 'nx-1', ref: 'todo-web:nx-1' }], set: {}, values: [] };
  expect(checkRenderedImages(parseManifests(manifest), plan)).toEqual([
    'Deployment/x-api runs todo-api:nx-OLD, not the tag just built (nx-NEW)',
    'no workload runs todo-web',
  ]);
});

test('the Minikube NodePort origin is added to the trusted origins of the values files, never replacing them', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'deploy-origins-'));
  const first = path.join(dir, 'a.yaml');
  const second = path.join(dir, 'b.yaml');
  writeFileSync(first, 'web:\n  trustedOrigins: [http://old.example]\n  service: { nodePort: 30999 }\n');
  writeFileSync(second, 'web:\n  trustedOrigins: [http://localhost:8080]\n');
  expect(nodePortOrigins([first, second], '192.168.49.2')).toEqual(['http://localhost:8080', 'http://192.168.49.2:30999']);
  expect(nodePortOrigins([path.join(root, 'infra/values/minikube.yaml')], '10.0.0.5')).toEqual(['http://10.0.0.5:30080']);
  expect(nodePortOrigins([path.join(root, 'infra/values/minikube.yaml'), path.join(root, 'infra/values/ingress.yaml')], '10.0.0.5')).toEqual([
    'http://localhost:8080',
    'http://10.0.0.5:30080',
  ]);
});

test('with infra/values/ingress.yaml the public origin is the Ingress host, and the port-forward stays trusted', async () => {
  const helm = await Helm.create({ workspaceRoot: root });
  const values = ['minikube', 'ingress'].map((name) => path.join(root, 'infra/values', `${name}.yaml`));
  const objects = await helm.template(chartDir, { release: 'todo', namespace: 'todo', values, setJson: { 'web.trustedOrigins': nodePortOrigins(values, '10.0.0.5') } });
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'todo-todo-chatbot-web') as { data: Record<string, string> } | undefined;
  expect(config?.data.BETTER_AUTH_URL).toBe('http://todo.local');
  expect(config?.data.AUTH_TRUSTED_ORIGINS?.split(',')).toEqual(['http://localhost:8080', 'http://10.0.0.5:30080']);
  expect(objects.some((o) => o.kind === 'Ingress')).toBe(true);
});
