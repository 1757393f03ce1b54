// Prisma CLI configuration (Prisma 7 reads the connection URL from here, not from schema.prisma).
// Used by `prisma migrate deploy` / `prisma migrate status` where the schema engine is available;
// `npm run db:migrate` applies the same migrations without it (scripts/migrate.ts).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/streamrank' },
});
