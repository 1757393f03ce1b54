// A query Postgres cancels for exceeding statement_timeout (SQLSTATE 57014) answers a clear 503
// `query_timeout`, not a 500: long report ranges at scale hit it. The error comes from a real Postgres through
// the same driver adapter the service uses.
import { type ArgumentsHost } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../src/generated/prisma/client';
import { HttpExceptionFilter } from '../../src/infra/http/http-exception.filter';

function render(filter: HttpExceptionFilter, error: unknown): { status: number; body: unknown } {
  const sent: { status: number; body: unknown } = { status: 0, body: undefined };
  const res = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  filter.catch(error, host);
  return sent;
}

describe('statement timeout', () => {
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL as string, statement_timeout: 50 }),
  });
  afterAll(() => prisma.$disconnect());

  it('renders a cancelled statement as 503 query_timeout', async () => {
    const error = await prisma.$queryRaw`SELECT pg_sleep(2)`.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeNull();
    const { status, body } = render(new HttpExceptionFilter(), error);
    expect(status).toBe(503);
    expect(body).toEqual({
      error: { code: 'query_timeout', message: expect.stringContaining('statement timeout') },
    });
  });

  it('renders a transaction that outlived its timeout (P2028) as 503 query_timeout, not 500', async () => {
    const error = await prisma
      .$transaction(
        async (tx) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          await tx.$queryRaw`SELECT 1`;
        },
        { timeout: 50 },
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((error as { code?: unknown } | null)?.code).toBe('P2028');
    const { status, body } = render(new HttpExceptionFilter(), error);
    expect(status).toBe(503);
    expect(body).toEqual({ error: { code: 'query_timeout', message: expect.any(String) } });
  });

  it('a query within the timeout is unaffected, and other database errors stay 500', async () => {
    await expect(prisma.$queryRaw`SELECT 1 AS one`).resolves.toEqual([{ one: 1 }]);
    const error = await prisma.$queryRaw`SELECT 1/0`.then(
      () => null,
      (e: unknown) => e,
    );
    expect(render(new HttpExceptionFilter(), error).status).toBe(500);
  });
});
