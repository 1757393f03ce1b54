// `npm install` / `npm ci` run this for the project itself (npm runs no dependency install scripts): it
// generates the Prisma client (src/generated/prisma), which every command that touches the database imports,
// so `npm install && npm run demo` works on a fresh clone. A production install without dev dependencies has
// no Prisma CLI; it skips, since the image's build stage generated the client and compiled it into dist/.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

try {
  require.resolve('prisma/build/index.js');
  require.resolve('tsx/cli');
} catch {
  console.log('postinstall: Prisma CLI not installed (production install); skipping client generation');
  process.exit(0);
}
const result = spawnSync(
  process.execPath,
  [require.resolve('tsx/cli'), path.join(__dirname, 'prisma-offline.ts'), 'generate'],
  { stdio: 'inherit', env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' } },
);
process.exit(result.status ?? 1);
