import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ImageReport, imageName, imageReportPath, imageSbomPath, readImageReport, writeImageReport } from './report';

const report: ImageReport = {
  image: 'todo-api',
  tag: 'nx-123',
  ref: 'todo-api:nx-123',
  movingTag: 'todo-api:dev',
  id: 'sha256:abc',
  size: 42_000_000,
  built: true,
  buildSeconds: 61.5,
  sbom: 'dist/images/todo-api.cdx.json',
  sbomDigest: 'sha256:def',
};

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'images-report-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('images are named after their project', () => {
  expect(imageName('api')).toBe('todo-api');
  expect(imageName('todo-api')).toBe('todo-api');
  expect(imageReportPath('web')).toBe('dist/images/todo-web.json');
  expect(imageSbomPath('api')).toBe('dist/images/todo-api.cdx.json');
});

test('a written report reads back by project or by image', () => {
  expect(writeImageReport(root, report)).toBe('dist/images/todo-api.json');
  expect(readImageReport(root, 'api')).toEqual(report);
  expect(readImageReport(root, 'todo-api')).toEqual(report);
  // the file is indented JSON with a final newline, as the shell tools expect
  expect(readFileSync(path.join(root, 'dist/images/todo-api.json'), 'utf8')).toBe(`${JSON.stringify(report, null, 2)}\n`);
});

test('a missing report names the command that writes it', () => {
  expect(() => readImageReport(root, 'web')).toThrow('dist/images/todo-web.json is missing: run `npm run nx -- run web:docker-build`');
});

test('a report missing a field is refused with the field named', () => {
  const { buildSeconds: _dropped, ...old } = report;
  writeFileSync(path.join(root, writeImageReport(root, report)), JSON.stringify(old));
  expect(() => readImageReport(root, 'api')).toThrow('"buildSeconds" should be a number');
});

test('a report from before SBOMs is refused, naming the field', () => {
  const { sbomDigest: _dropped, ...old } = report;
  writeFileSync(path.join(root, writeImageReport(root, report)), JSON.stringify(old));
  expect(() => readImageReport(root, 'api')).toThrow('"sbomDigest" should be a string');
});
