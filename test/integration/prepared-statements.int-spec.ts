// PrismaService.prepared: the hot statements of a run (start an attempt, save a result) go to the client's
// own pg pool as named prepared statements. Values stay parameters (never spliced into the SQL), arrays,
// nulls and dates round-trip, each connection prepares a statement once, and the pool ends with the client.
// Real Postgres.
import { type AppConfig } from '../../src/config/app-config';
import { PrismaService } from '../../src/infra/prisma/prisma.service';

describe('PrismaService.prepared', () => {
  // One connection: every statement below meets the same session (pg_prepared_statements is per session).
  const prisma = new PrismaService({
    DATABASE_URL: process.env.DATABASE_URL as string,
    DATABASE_POOL_SIZE: 1,
    DATABASE_STATEMENT_TIMEOUT_MS: 200,
  } as AppConfig);
  let closed = false;
  afterAll(async () => {
    if (!closed) await prisma.onApplicationShutdown();
  });

  const echo = (text: string, ints: (number | null)[], at: Date) =>
    prisma.prepared<{ s: string; n: number; a: (number | null)[]; d: Date; none: null }>('test_echo')`
      SELECT ${text}::text AS s, length(${text}::text) AS n, ${ints}::int[] AS a, ${at}::timestamptz AS d,
        ${null}::text AS none`;
  const prepared = () =>
    prisma.prepared<{ name: string; statement: string }>('test_list')`
      SELECT name, statement FROM pg_prepared_statements WHERE name LIKE ${'test\\_%'} ORDER BY name`;

  it('binds values as parameters and returns typed rows', async () => {
    const hostile = `O'Brien'); DROP TABLE runs; --`;
    const at = new Date('2026-11-25T01:02:03.456Z');
    const [row] = await echo(hostile, [1, null, 3], at);
    expect(row).toEqual({ s: hostile, n: hostile.length, a: [1, null, 3], d: at, none: null });
  });

  it('prepares each named statement once per connection and reuses it', async () => {
    for (let i = 0; i < 3; i++) await echo(`x${i}`, [], new Date());
    const rows = await prepared();
    expect(rows.map((r) => r.name)).toEqual(['test_echo', 'test_list']);
    expect(rows[0]!.statement).toContain('$1::text AS s');
    expect(rows[0]!.statement).toContain('$5::text AS none');
  });

  it("applies the pool's statement timeout", async () => {
    await expect(prisma.prepared('test_sleep')`SELECT pg_sleep(${1})`).rejects.toMatchObject({
      code: '57014',
    });
    // The connection is still usable afterwards.
    expect(await echo('ok', [], new Date())).toHaveLength(1);
  });

  it('ends its pool with the client', async () => {
    await prisma.onApplicationShutdown();
    closed = true;
    await expect(echo('late', [], new Date())).rejects.toThrow(/pool/i);
  });
});
