// `npm run db:new-migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL
// that takes the schema of the last commit (git HEAD) to the working copy of prisma/schema.prisma.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderSchemaDiff } from './prisma-schema-diff';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]{1,60}$/.test(name)) {
    console.error('usage: npm run db:new-migration -- <name in snake_case>');
    process.exit(2);
  }
  const root = path.resolve(__dirname, '..');
  const current = readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
  const previous = execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], {
    cwd: root,
    encoding: 'utf8',
  });
  const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const sql = await renderSchemaDiff(previous, current, serverUrl);
  if (!sql.trim() || /^-- This is an empty migration/m.test(sql)) {
    console.error('schema.prisma has no changes since HEAD');
    process.exit(1);
  }
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const dir = path.join(root, 'prisma/migrations', `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), sql);
  console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
}

void main();
