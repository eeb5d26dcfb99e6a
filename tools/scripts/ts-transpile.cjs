// TypeScript → CommonJS with `typescript` itself (no ts-jest, SWC or ts-node needed), for
// the workspace's Node-side TypeScript (libs/helm, infra). Types are checked by each
// project's `typecheck` target, not here. Two uses:
//   - a jest transformer: `transform: { '\\.ts$': '<rootDir>/../../tools/scripts/ts-transpile.cjs' }`;
//   - a runner: `node tools/scripts/ts-transpile.cjs infra/src/deploy.ts [args...]`.
const ts = require('typescript');

function transpile(sourceText, sourcePath) {
  const { outputText, sourceMapText } = ts.transpileModule(sourceText, {
    fileName: sourcePath,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: true,
    },
  });
  return { code: outputText, map: sourceMapText };
}

module.exports = { process: transpile };

if (require.main === module) {
  const path = require('node:path');
  const fs = require('node:fs');
  const script = process.argv[2];
  if (!script) {
    console.error('usage: node tools/scripts/ts-transpile.cjs FILE.ts [args...]');
    process.exit(2);
  }
  require.extensions['.ts'] = (module, filename) => {
    module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename).code, filename);
  };
  // Run it as the main module, as `node FILE` would: argv[1] is the script, and
  // `require.main === module` holds inside it.
  process.argv.splice(1, 2, path.resolve(script));
  require('node:module').runMain();
}
