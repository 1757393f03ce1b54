// Runs a Prisma CLI command that never executes the native schema engine (generate, validate, format).
// Prisma 7 tries to download that engine before every command; pointing PRISMA_SCHEMA_ENGINE_BINARY at any
// existing file skips the download, which keeps these commands working offline and in CI.
import { spawnSync } from 'node:child_process';

const allowed = new Set(['generate', 'validate', 'format']);
const [command, ...rest] = process.argv.slice(2);
if (!command || !allowed.has(command)) {
  console.error(`usage: prisma-offline <${[...allowed].join('|')}> [args]`);
  process.exit(2);
}
const result = spawnSync(process.execPath, [require.resolve('prisma/build/index.js'), command, ...rest], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
process.exit(result.status ?? 1);
