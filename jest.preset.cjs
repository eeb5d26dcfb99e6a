// Jest settings shared by the workspace's Node-side TypeScript projects (libs/kube, infra):
// ts-jest transpiles each file on its own (types are `typecheck`'s job), and the `@todo/*`
// aliases of tsconfig.base.json resolve as they do for tsc and tsx.
const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true, sourceMap: true } }],
  },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: `${path.join(__dirname, compilerOptions.baseUrl)}/` }),
};
