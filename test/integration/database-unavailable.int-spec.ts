// isDatabaseUnavailable on the errors Postgres, pg and Prisma really produce: a refused connection, a
// connection terminated by the server (the errors of a restart), as the driver and through Prisma's adapter,
// count as unavailable; a constraint violation, a bad cast and a statement timeout do not.
// Private database when run alone: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/streamrank_test_outage
import net from 'node:net';
import { Client } from 'pg';
import { type AppConfig } from '../../src/config/app-config';
import { isDatabaseUnavailable } from '../../src/infra/prisma/database-unavailable';
import { PrismaService } from '../../src/infra/prisma/prisma.service';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function prismaFor(url: string): PrismaService {
  return new PrismaService({
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: 2,
    DATABASE_STATEMENT_TIMEOUT_MS: 200,
  } as AppConfig);
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('isDatabaseUnavailable (real errors)', () => {
  const url = process.env.DATABASE_URL!;
  let downUrl: string;

  beforeAll(async () => {
    const u = new URL(url);
    u.port = String(await closedPort());
    downUrl = u.toString();
  });

  it('a refused connection: pg, a prepared statement through the pool, and Prisma', async () => {
    const client = new Client({ connectionString: downUrl, connectionTimeoutMillis: 2000 });
    expect(isDatabaseUnavailable(await errorOf(client.connect()))).toBe(true);
    const prisma = prismaFor(downUrl);
    try {
      expect(isDatabaseUnavailable(await errorOf(prisma.prepared('probe_down')`SELECT 1`))).toBe(true);
      expect(isDatabaseUnavailable(await errorOf(prisma.$queryRaw`SELECT 1`))).toBe(true);
      expect(isDatabaseUnavailable(await errorOf(prisma.runAttempt.count()))).toBe(true);
    } finally {
      await prisma.onApplicationShutdown();
    }
  });

  it('a connection the server terminates (what a restart does to open connections)', async () => {
    const victim = new Client({ connectionString: url });
    await victim.connect();
    victim.on('error', () => undefined);
    const killer = new Client({ connectionString: url });
    await killer.connect();
    try {
      const { rows } = await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await killer.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      const error = await errorOf(victim.query('SELECT 1'));
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await killer.end();
      await victim.end().catch(() => undefined);
    }
  });

  it('errors of the statement itself are not unavailability', async () => {
    const prisma = prismaFor(url);
    try {
      // A bad value (22P02), through the driver and through Prisma.
      expect(isDatabaseUnavailable(await errorOf(prisma.prepared('probe_cast')`SELECT 'x'::int`))).toBe(
        false,
      );
      expect(isDatabaseUnavailable(await errorOf(prisma.$queryRaw`SELECT 'x'::int`))).toBe(false);
      // A statement timeout (57014) is the statement's fault, not the server's.
      expect(isDatabaseUnavailable(await errorOf(prisma.$queryRaw`SELECT pg_sleep(1)`))).toBe(false);
      // A division by zero (22012).
      const dup = await errorOf(
        prisma.$executeRawUnsafe(`SELECT * FROM (VALUES (1), (1)) v(x) GROUP BY x HAVING 1/0 = 1`),
      );
      expect(isDatabaseUnavailable(dup)).toBe(false);
    } finally {
      await prisma.onApplicationShutdown();
    }
  });

  it('the SQLSTATEs of a server starting up or shutting down, as the driver reports them', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '53300']) {
      expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code }))).toBe(true);
    }
    for (const code of ['23505', '22P02', '57014', '40001', '42P01']) {
      expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code }))).toBe(false);
    }
    expect(isDatabaseUnavailable(new Error('the database system is starting up'))).toBe(true);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
