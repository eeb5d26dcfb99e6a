// Generates libs/api-client/src/generated/ from the API's OpenAPI document:
//   openapi.ts  the types (openapi-typescript)
//   limits.ts   the validation limits the API states (title/description lengths), so the web
//               form mirrors the API without a second copy of the numbers.
// With --check, writes nothing and exits 1 when the committed files are stale.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const workspaceRoot = path.resolve(__dirname, '../../..');

const schemaPath = path.join(workspaceRoot, 'apps/api/openapi.json');
const outDir = path.join(workspaceRoot, 'libs/api-client/src/generated');
const check = process.argv.includes('--check');

function generateTypes() {
  const tmp = path.join(mkdtempSync(path.join(tmpdir(), 'api-client-')), 'openapi.ts');
  const bin = path.join(workspaceRoot, 'node_modules/.bin/openapi-typescript');
  execFileSync(bin, [schemaPath, '--output', tmp], { stdio: 'pipe' });
  return readFileSync(tmp, 'utf8');
}

function generateLimits() {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  const create = schema.components.schemas.TaskCreate.properties;
  const chat = schema.components.schemas.ChatRequest.properties;
  const limits = {
    TITLE_MIN: create.title.minLength,
    TITLE_MAX: create.title.maxLength,
    DESCRIPTION_MAX: create.description.maxLength,
    MESSAGE_MAX: chat.message.maxLength,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value)) throw new Error(`openapi.json lacks ${name} (TaskCreate / ChatRequest limits)`);
  }
  const lines = Object.entries(limits).map(([name, value]) => `export const ${name} = ${value};`);
  return ['// Generated from apps/api/openapi.json by libs/api-client/scripts/generate.ts. Do not edit.', ...lines, ''].join('\n');
}

const files = { 'openapi.ts': generateTypes(), 'limits.ts': generateLimits() };
let stale = [];
for (const [name, content] of Object.entries(files)) {
  const target = path.join(outDir, name);
  if (check) {
    if (!existsSync(target) || readFileSync(target, 'utf8') !== content) stale.push(name);
  } else {
    writeFileSync(target, content);
  }
}
if (stale.length) {
  console.error(`api-client: generated files are stale (${stale.join(', ')}): run \`npm run nx -- run api-client:generate\` and commit`);
  process.exit(1);
}
console.log(check ? 'api-client: generated files are current' : `api-client: wrote ${Object.keys(files).join(', ')}`);
