// The deploy's decisions, without a cluster: tags, images to load, commands.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDeployArgs } from './cli';
import { type DeployOptions, imagesToLoad, listImagesCommand, loadCommand, planDeploy, readImageReports } from './plan';

const report = (image: string, tag: string) => ({ image, tag, ref: `${image}:${tag}`, movingTag: `${image}:dev`, id: 'sha256:0', size: 1, built: false, buildSeconds: 0, sbom: `dist/images/${image}.cdx.json`, sbomDigest: 'sha256:1' });
const reports = { api: report('todo-api', 'nx-111'), web: report('todo-web', 'nx-222') };
const options = (over: Partial<DeployOptions> = {}): DeployOptions => ({ ...parseDeployArgs([]), ...over });

function workspaceWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'deploy-plan-'));
  mkdirSync(path.join(dir, 'dist/images'), { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, 'dist/images', name), JSON.stringify(content));
  return dir;
}

test('the exact content tags docker-build reported go to Helm, with IfNotPresent', () => {
  const plan = planDeploy(reports, options(), ['/infra/values/minikube.yaml']);
  expect(plan.set).toEqual({
    'api.image.registry': '',
    'api.image.repository': 'todo-api',
    'api.image.tag': 'nx-111',
    'api.image.pullPolicy': 'IfNotPresent',
    'web.image.registry': '',
    'web.image.repository': 'todo-web',
    'web.image.tag': 'nx-222',
    'web.image.pullPolicy': 'IfNotPresent',
  });
  expect(plan.values).toEqual(['/infra/values/minikube.yaml']);
});

test('with --load none and a registry, the cluster pulls from that registry', () => {
  const plan = planDeploy(reports, options({ load: 'none', registry: 'ghcr.io/me', values: ['mine.yaml'] }), []);
  expect(plan.set['api.image.registry']).toBe('ghcr.io/me');
  expect(plan.values).toEqual(['mine.yaml']);
});

test('reports are read from dist/images; a missing one names the command that writes it', () => {
  const good = workspaceWith({ 'todo-api.json': reports.api, 'todo-web.json': reports.web });
  expect(readImageReports(good).web.tag).toBe('nx-222');
  const missing = workspaceWith({ 'todo-api.json': reports.api });
  expect(() => readImageReports(missing)).toThrow('run `npm run nx -- run web:docker-build`');
});

test('a moving tag is refused: deploys use content tags only', () => {
  const moving = workspaceWith({ 'todo-api.json': report('todo-api', 'dev'), 'todo-web.json': reports.web });
  expect(() => readImageReports(moving)).toThrow('never a moving tag');
});

test('only the images the cluster lacks are loaded, whatever registry prefix it lists', () => {
  const images = planDeploy(reports, options(), []).images;
  expect(imagesToLoad(images, [])).toHaveLength(2);
  expect(imagesToLoad(images, ['docker.io/library/todo-api:nx-111', 'registry.k8s.io/pause:3.10']).map((i) => i.app)).toEqual(['web']);
  expect(imagesToLoad(images, ['todo-api:nx-111', 'localhost/todo-web:nx-222'])).toEqual([]);
  // An older build of the same image is not the image: the new tag must be loaded.
  expect(imagesToLoad(images, ['todo-api:nx-000', 'todo-web:nx-222']).map((i) => i.ref)).toEqual(['todo-api:nx-111']);
});

test('load and list commands for each method', () => {
  const [api] = planDeploy(reports, options(), []).images;
  expect(listImagesCommand(options())).toEqual(['minikube', 'image', 'ls', '--format', 'short']);
  expect(loadCommand(options({ cluster: 'dev' }), api!)).toEqual(['minikube', '--profile', 'dev', 'image', 'load', 'todo-api:nx-111']);
  expect(loadCommand(options({ load: 'kind', cluster: 'ci' }), api!)).toEqual(['kind', 'load', 'docker-image', 'todo-api:nx-111', '--name', 'ci']);
  expect(listImagesCommand(options({ load: 'kind' }))).toBeNull();
  expect(loadCommand(options({ load: 'none' }), api!)).toBeNull();
});

test('--load hermetic targets the hermetic cluster’s context unless one is named', () => {
  expect(parseDeployArgs(['--load', 'hermetic']).kubeContext).toBe('todo-hermetic');
  expect(parseDeployArgs(['--load', 'hermetic', '--context', 'other']).kubeContext).toBe('other');
  expect(parseDeployArgs([]).kubeContext).toBeUndefined();
});

test('bad options are refused with the flag named', () => {
  expect(() => parseDeployArgs(['--load', 'docker'])).toThrow('--load must be one of minikube, kind, hermetic, none');
  expect(() => parseDeployArgs(['--release', 'Todo_App'])).toThrow('--release must be a DNS label');
  expect(() => parseDeployArgs(['--timeout', 'soon'])).toThrow('--timeout');
  expect(() => parseDeployArgs(['--registry', 'ghcr.io/me'])).toThrow('--registry applies only with --load none');
  expect(() => parseDeployArgs(['--bogus'])).toThrow(/Unknown option '--bogus'/);
  expect(parseDeployArgs(['--context', 'kind-ci', '--values', 'a.yaml', '--values', 'b.yaml', '--dry-run'])).toMatchObject({
    kubeContext: 'kind-ci',
    values: ['a.yaml', 'b.yaml'],
    dryRun: true,
  });
});
