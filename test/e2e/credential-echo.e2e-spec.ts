// Credential echo, end to end: providers that quote the engine's key back (a 401 body, an in-band SSE error
// event) run through the real service, in a child process (ROLE=all) whose every log line is captured. Then
// everything the service wrote or answers is searched for the keys: every row of every table, every Redis key
// under the queue prefix (queue jobs with their failed reasons, live event logs), the captured logs, every API
// response a read key can get (run, runs list, attempt log, run events SSE, deliveries) and the webhooks
// delivered. Expected: 0 occurrences outside the encrypted credential column (which never holds plaintext).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { FakeOpenAiServer, type FakeScript } from '../fakes/fake-openai-server';
import { freePort, waitFor } from '../faults/private-services';
import { createPipelineFixture, deleteQueueKeys, isolatedQueuePrefix } from '../support/pipeline';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';

const ROOT = path.resolve(__dirname, '../..');
const TERMINAL = ['succeeded', 'failed', 'skipped'];

describe('credential echo: the key never leaves the credential store', () => {
  const prefix = isolatedQueuePrefix('echo');
  // One key with a vendor's shape, one with none (only the known-credential scrub can catch that one).
  const shapedKey = `sk-live-${randomBytes(16).toString('hex')}`;
  const plainKey = `live-credential-${randomBytes(16).toString('hex')}`;
  const keys = [shapedKey, plainKey];
  const authFake = new FakeOpenAiServer();
  const streamFake = new FakeOpenAiServer();
  const receiver = new WebhookReceiver();
  let setup: TestApp;
  let ws: TestWorkspace;
  let service: ChildProcess;
  let serviceUrl: string;
  let logs = '';

  const env = (): Record<string, string> => ({
    QUEUE_PREFIX: prefix,
    EGRESS_ALLOW_PRIVATE: 'true',
    RUN_MAX_ATTEMPTS: '2',
    RUN_BACKOFF_MS: '100',
    WEBHOOK_BACKOFF_MS: '50',
    API_RATE_LIMIT_PER_MINUTE: '0',
  });

  beforeAll(async () => {
    const [auth, stream] = await Promise.all([authFake.start(), streamFake.start(), receiver.start()]);
    // Setup only (workspace, keys, fixtures): the runs happen in the child process.
    setup = await startTestApp({ ...env(), ROLE: 'api' });
    ws = await createWorkspace(setup);
    const port = await freePort();
    serviceUrl = `http://127.0.0.1:${port}`;
    service = spawn(process.execPath, ['-r', './scripts/swc-register.js', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env(),
        ROLE: 'all',
        PORT: String(port),
        SCHEDULER_ENABLED: 'false',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout!.on('data', (b: Buffer) => (logs += b.toString()));
    service.stderr!.on('data', (b: Buffer) => (logs += b.toString()));
    await waitFor('the service to answer', async () => (await fetch(`${serviceUrl}/health/live`)).ok, 90_000);
    fixtures.auth = await createPipelineFixture(setup, ws, {
      baseUrl: auth.baseUrl,
      brands: [{ name: 'Acme' }],
      credential: shapedKey,
    });
    fixtures.stream = await createPipelineFixture(setup, ws, {
      baseUrl: stream.baseUrl,
      brands: [{ name: 'Acme' }],
      credential: plainKey,
    });
  }, 120_000);

  afterAll(async () => {
    if (service && service.exitCode === null) {
      const exited = new Promise((resolve) => service.once('exit', resolve));
      service.kill('SIGTERM');
      await exited;
    }
    await setup?.close();
    await Promise.all([authFake.stop(), streamFake.stop(), receiver.stop()]);
    await deleteQueueKeys(prefix);
  });

  const fixtures: Record<'auth' | 'stream', { projectId: string; promptId: string; engineId: string }> = {
    auth: { projectId: '', promptId: '', engineId: '' },
    stream: { projectId: '', promptId: '', engineId: '' },
  };

  async function api(pathname: string, role: 'admin' | 'read' = 'read', init: RequestInit = {}) {
    const res = await fetch(`${serviceUrl}${pathname}`, {
      ...init,
      headers: { ...ws.auth(role), 'content-type': 'application/json', ...init.headers },
    });
    return { status: res.status, text: await res.text() };
  }

  async function runToTerminal(promptId: string): Promise<string> {
    const res = await api(`/v1/prompts/${promptId}/run`, 'admin', { method: 'POST', body: '{}' });
    expect(res.status).toBe(202);
    const runId = (JSON.parse(res.text) as { runIds: string[] }).runIds[0]!;
    await waitFor(
      `run ${runId} to end`,
      async () =>
        TERMINAL.includes((JSON.parse((await api(`/v1/runs/${runId}`)).text) as { status: string }).status),
      60_000,
    );
    return runId;
  }

  it('no key in Postgres, Redis, logs, API responses or webhooks', async () => {
    const hook = await api('/v1/webhooks', 'admin', {
      method: 'POST',
      body: JSON.stringify({ url: receiver.url('/hook'), events: ['run.failed'] }),
    });
    expect(hook.status).toBe(201);
    const hookId = (JSON.parse(hook.text) as { id: string }).id;

    // A 401 whose body quotes the key, as OpenAI does: final at once, the engine is disabled.
    const echo401: FakeScript = {
      status: 401,
      headers: { 'content-type': 'application/json' },
      writes: [
        {
          delayMs: 0,
          bytes: JSON.stringify({
            error: {
              message: `Incorrect API key provided: ${shapedKey}. You can find your API key at https://x.example.`,
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            },
          }),
        },
      ],
    };
    authFake.enqueue(echo401);
    // A retryable in-band error event quoting the key, twice: the retry goes through the queue (its failed reason).
    const echoEvent = `event: error\ndata: ${JSON.stringify({
      error: { message: `upstream rejected ${plainKey} (key=${plainKey})`, type: 'server_error' },
    })}\n\n`;
    for (let i = 0; i < 2; i++) streamFake.enqueue({ writes: [{ delayMs: 0, bytes: echoEvent }] });

    const authRun = await runToTerminal(fixtures.auth.promptId);
    const streamRun = await runToTerminal(fixtures.stream.promptId);
    // The keys were really in play: the fakes received them.
    expect(authFake.requests[0]?.headers.authorization).toBe(`Bearer ${shapedKey}`);
    expect(streamFake.requests).toHaveLength(2);
    expect(streamFake.requests[1]?.headers.authorization).toBe(`Bearer ${plainKey}`);
    await waitFor(
      'two webhook deliveries',
      () => Promise.resolve(receiver.received.get('/hook')?.length === 2),
      30_000,
    );

    // Every API response a read key gets about these runs.
    const responses: string[] = [];
    for (const [runId, fx] of [
      [authRun, fixtures.auth],
      [streamRun, fixtures.stream],
    ] as const) {
      const detail = await api(`/v1/runs/${runId}`);
      expect(detail.status).toBe(200);
      responses.push(detail.text);
      responses.push((await api(`/v1/runs?projectId=${fx.projectId}`)).text);
      responses.push(
        (await api(`/v1/runs/${runId}/events`, 'read', { signal: AbortSignal.timeout(15_000) })).text,
      );
      responses.push((await api(`/v1/engines/${fx.engineId}`)).text);
    }
    responses.push((await api(`/v1/webhooks/${hookId}/deliveries`, 'admin')).text);
    const apiText = responses.join('\n');
    const webhooks = (receiver.received.get('/hook') ?? []).map((r) => r.raw.toString()).join('\n');
    const postgres = await dumpPostgres();
    const redis = await dumpRedis();
    const found = Object.entries({ api: apiText, webhooks, postgres, redis, logs }).flatMap(([where, text]) =>
      keys.flatMap((key) => (text.includes(key) ? [`${where} contains ${key.slice(0, 12)}...`] : [])),
    );
    expect(found).toEqual([]);
    // The dumps hold what was scrubbed (so we searched the right places).
    expect(postgres).toContain('Incorrect API key provided: [redacted]');
    expect(redis).toContain('[redacted]');
    expect(logs).toContain(streamRun);
    // What the runs say is still useful: the provider's words, without the key.
    const auth = JSON.parse(responses[0]!) as { failureReason: string; failureMessage: string };
    expect(auth.failureReason).toBe('auth_failed');
    expect(auth.failureMessage).toContain('Incorrect API key provided: [redacted]');
    const stream = JSON.parse(responses[4]!) as {
      attemptLog: { outcome: string; message: string }[];
      failureMessage: string;
    };
    expect(stream.attemptLog.map((a) => a.outcome)).toEqual(['retrying', 'failed']);
    expect(stream.failureMessage).toContain('rejected [redacted] (key=[redacted])');
    expect(apiText).toContain('event: status');
  }, 240_000);

  /** Every row of every table as text (a pg_dump of the data; bytea appears as hex). */
  async function dumpPostgres(): Promise<string> {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const tables = await client.query<{ name: string }>(
        `SELECT quote_ident(table_name) AS name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      const parts: string[] = [];
      for (const { name } of tables.rows) {
        const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
        for (const r of rows.rows) parts.push(r.row);
      }
      return parts.join('\n');
    } finally {
      await client.end();
    }
  }

  /** Every key under the queue prefix with its value, whatever its type. */
  async function dumpRedis(): Promise<string> {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    try {
      const parts: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        for (const key of found) {
          const type = await redis.type(key);
          const value =
            type === 'string'
              ? await redis.get(key)
              : type === 'hash'
                ? await redis.hgetall(key)
                : type === 'list'
                  ? await redis.lrange(key, 0, -1)
                  : type === 'set'
                    ? await redis.smembers(key)
                    : type === 'zset'
                      ? await redis.zrange(key, '0', '-1', 'WITHSCORES')
                      : type === 'stream'
                        ? await redis.xrange(key, '-', '+')
                        : null;
          parts.push(`${key} ${JSON.stringify(value)}`);
        }
      } while (cursor !== '0');
      return parts.join('\n');
    } finally {
      redis.disconnect();
    }
  }
});
