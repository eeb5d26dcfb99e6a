import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CreateNodesContext, CreateNodesResult } from '@nx/devkit';
import { baseImageArgs, copiedPaths } from './dockerfile';
import { createNodes } from './plugin';

const API_DOCKERFILE = `# syntax=docker/dockerfile:1
ARG PYTHON_IMAGE=python:3.11-slim
FROM \${PYTHON_IMAGE} AS deps
ARG UV_VERSION=0.13.8
COPY pyproject.toml uv.lock ./
COPY apps/api/pyproject.toml apps/api/
FROM deps AS runtime
COPY --from=deps /app /app
`;

const WEB_DOCKERFILE = `ARG NODE_IMAGE=node:20-slim
FROM \${NODE_IMAGE} AS build
COPY package.json package-lock.json ./
COPY --chown=1000:1000 libs/api-client \\
     libs/api-client
COPY apps/web apps/web
`;

let root: string;

function file(relative: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  writeFileSync(path.join(root, relative), text);
}

async function nodes(files: string[]): Promise<Array<readonly [string, CreateNodesResult]>> {
  const context: CreateNodesContext = { workspaceRoot: root, nxJsonConfiguration: {} };
  return createNodes[1](files, undefined, context);
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'images-plugin-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('the plugin looks at every Dockerfile', () => {
  expect(createNodes[0]).toBe('**/Dockerfile');
});

test('a project with a Dockerfile at its root gets docker-build, read from the Dockerfile', async () => {
  file('apps/api/project.json', '{"name": "api"}');
  file('apps/api/Dockerfile', API_DOCKERFILE);
  const [[source, result] = ['', {}]] = await nodes(['apps/api/Dockerfile']);
  expect(source).toBe('apps/api/Dockerfile');
  expect(result.projects?.['apps/api']?.targets?.['docker-build']).toEqual({
    executor: '@todo/images:docker-build',
    cache: false,
    inputs: ['production', 'pythonLock', 'image', { env: 'TODO_PYTHON_IMAGE' }],
    outputs: ['{workspaceRoot}/dist/images/todo-api.json', '{workspaceRoot}/dist/images/todo-api.cdx.json'],
    options: {
      image: 'todo-api',
      report: 'dist/images/todo-api.json',
      sbom: 'dist/images/todo-api.cdx.json',
      baseImages: { PYTHON_IMAGE: 'TODO_PYTHON_IMAGE' },
      build: { context: '.', file: 'apps/api/Dockerfile' },
    },
  });
});

test('a project the Dockerfile copies whole adds its production files; a plain directory does not', async () => {
  file('apps/web/project.json', '{"name": "web"}');
  file('libs/api-client/project.json', '{"name": "api-client"}');
  file('apps/web/Dockerfile', WEB_DOCKERFILE);
  const [[, result] = ['', {}]] = await nodes(['apps/web/Dockerfile']);
  const target = result.projects?.['apps/web']?.targets?.['docker-build'];
  expect(target?.inputs).toEqual(['production', { input: 'production', projects: ['api-client'] }, 'nodeLock', 'image', { env: 'TODO_NODE_IMAGE' }]);
  expect(target?.options).toMatchObject({ image: 'todo-web', baseImages: { NODE_IMAGE: 'TODO_NODE_IMAGE' } });
});

test('a Dockerfile outside any project root (no project.json beside it) yields nothing', async () => {
  file('tools/containers/bases/Dockerfile', API_DOCKERFILE);
  const results = await nodes(['tools/containers/bases/Dockerfile']);
  expect(results.flatMap(([, result]) => Object.keys(result.projects ?? {}))).toEqual([]);
});

test('the target name can be changed in nx.json', async () => {
  file('apps/api/project.json', '{"name": "api"}');
  file('apps/api/Dockerfile', API_DOCKERFILE);
  const context: CreateNodesContext = { workspaceRoot: root, nxJsonConfiguration: {} };
  const [[, result] = ['', {}]] = await createNodes[1](['apps/api/Dockerfile'], { targetName: 'image' }, context);
  expect(Object.keys(result.projects?.['apps/api']?.targets ?? {})).toEqual(['image']);
});

test('base images are the global *_IMAGE arguments; copies from other stages are not inputs', () => {
  expect(baseImageArgs(API_DOCKERFILE)).toEqual({ PYTHON_IMAGE: 'TODO_PYTHON_IMAGE' });
  expect(copiedPaths(API_DOCKERFILE)).toEqual(['pyproject.toml', 'uv.lock', 'apps/api/pyproject.toml']);
  expect(copiedPaths(WEB_DOCKERFILE)).toEqual(['package.json', 'package-lock.json', 'libs/api-client', 'apps/web']);
});
