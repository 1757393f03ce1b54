// Runs TypeScript sources directly with decorator metadata (NestJS dependency injection needs it; tsx and
// esbuild do not emit it). Used by `npm run demo`, `npm run cli` and `npm run start:dev`; production runs the
// tsc build in dist/.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
process.setSourceMapsEnabled(true);
