// Renders the SQL that turns one Prisma schema into another, offline, with the Prisma 6.19 CLI
// (`prisma-legacy`): its WASM schema engine (`engine: "js"` + the pg driver adapter) needs no download,
// unlike every Prisma 7 command. Used by the drift test and by `npm run db:new-migration`.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Prisma 7 schemas carry no datasource url; Prisma 6 requires one. */
function withUrl(schemaText: string): string {
  const out = schemaText.replace(/(datasource\s+\w+\s*\{)/, '$1\n  url = env("DATABASE_URL")');
  if (out === schemaText) throw new Error('schema.prisma has no datasource block');
  return out;
}

/**
 * SQL from `from` (null: an empty database) to `to`. `serverUrl` is only used to read the server version;
 * the diff is computed from the schemas alone.
 */
export async function renderSchemaDiff(from: string | null, to: string, serverUrl: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'streamrank-schema-diff-'));
  try {
    await writeFile(path.join(dir, 'to.prisma'), withUrl(to));
    if (from !== null) await writeFile(path.join(dir, 'from.prisma'), withUrl(from));
    await writeFile(
      path.join(dir, 'prisma.config.ts'),
      [
        `import { defineConfig } from ${JSON.stringify(require.resolve('prisma-legacy/config'))};`,
        `import { PrismaPg } from ${JSON.stringify(require.resolve('prisma-legacy-adapter-pg'))};`,
        'export default defineConfig({',
        '  experimental: { adapter: true },',
        "  engine: 'js',",
        "  schema: './to.prisma',",
        // idleTimeoutMillis: without it the pool keeps the CLI process alive for 10 s after it is done.
        '  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL, idleTimeoutMillis: 1 }),',
        '});',
        '',
      ].join('\n'),
    );
    const fromArgs = from === null ? ['--from-empty'] : ['--from-schema-datamodel', 'from.prisma'];
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        require.resolve('prisma-legacy/build/index.js'),
        'migrate',
        'diff',
        ...fromArgs,
        '--to-schema-datamodel',
        'to.prisma',
        '--script',
      ],
      {
        cwd: dir,
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
        env: {
          ...process.env,
          DATABASE_URL: serverUrl,
          PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
          PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
          CHECKPOINT_DISABLE: '1',
        },
      },
    );
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
