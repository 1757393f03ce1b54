// The only place that reads process.env. Parsed once at boot; everything else receives AppConfig.
import { z } from 'zod';

const boolish = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .default(false);

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address the HTTP server binds; empty = every interface (IPv6 and IPv4), as Node does by default. */
  LISTEN_ADDRESS: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.:%_-]{0,253}$/, 'must be an IP address or a host name')
    .default('')
    .transform((v) => v || undefined),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' }),
  DATABASE_POOL_SIZE: positiveInt(10),
  DATABASE_STATEMENT_TIMEOUT_MS: positiveInt(15000),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, - and _ only')
    .default('streamrank'),
  ENCRYPTION_KEY: z
    .string({ error: 'is required (32 random bytes, base64: `openssl rand -base64 32`)' })
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  BODY_LIMIT_BYTES: positiveInt(262_144),
  SCHEDULER_ENABLED: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .default(true),
  CLAIM_INTERVAL_MS: positiveInt(5000),
  CLAIM_BATCH_SIZE: positiveInt(100),
  MISSED_SLOT_GRACE_MS: positiveInt(900_000),
  MIN_CRON_INTERVAL_SECONDS: positiveInt(60),
  MAX_SAMPLES_PER_SLOT: positiveInt(10),
  WORKER_CONCURRENCY: positiveInt(16),
  RUN_MAX_ATTEMPTS: positiveInt(3),
  RUN_BACKOFF_MS: positiveInt(2000),
  RUN_DEADLINE_MS: positiveInt(180_000),
  STREAM_IDLE_TIMEOUT_MS: positiveInt(30_000),
  /**
   * How long a worker holding a finished answer keeps retrying its result write while Postgres is unreachable
   * or restarting (s), without calling the provider again; 0 = one try. Longer than a restart or a failover.
   */
  RESULT_WRITE_RETRY_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  CAPTURE_THREADS: z.coerce.number().int().min(0).max(64).default(2),
  /** Nice value of the socket thread (every provider socket); negative needs CAP_SYS_NICE, else kept at 0. */
  CAPTURE_SOCKET_NICE: z.coerce.number().int().min(-20).max(19).default(-10),
  /**
   * Real-time priority (SCHED_FIFO, 1-99) of the socket thread where permitted (CAP_SYS_NICE or RLIMIT_RTPRIO,
   * and util-linux `chrt`); 0 keeps it a normal thread at CAPTURE_SOCKET_NICE.
   */
  CAPTURE_SOCKET_RT_PRIORITY: z.coerce.number().int().min(0).max(99).default(1),
  /** Nice value of the capture threads (decoding, detection, analysis): behind the main thread. */
  CAPTURE_THREAD_NICE: z.coerce.number().int().min(-20).max(19).default(10),
  LIVE_CHUNK_BATCH_MS: z.coerce.number().int().min(0).max(1000).default(50),
  SHUTDOWN_GRACE_MS: positiveInt(25_000),
  EGRESS_ALLOW_PRIVATE: boolish,
  /** JSON: { "<provider>:<model>" or "<model>": { "inputPerMillion": USD, "outputPerMillion": USD } }. */
  PRICE_TABLE: z
    .string()
    .default('{}')
    .transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(
      z.record(
        z.string().min(1).max(200),
        z.object({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) }).strict(),
      ),
    ),
  /** Extra provider calls a run may spend waiting out rate limits (429 with retry-after), beyond RUN_MAX_ATTEMPTS. */
  RUN_MAX_RATE_LIMIT_DEFERRALS: z.coerce.number().int().min(0).default(5),
  /** How often the run reconciler re-checks the ledger against the queue. */
  RECONCILE_INTERVAL_MS: positiveInt(30_000),
  /** How often the report digest builder digests dirty hours (reports read dirty hours from raw rows meanwhile). */
  REPORT_DIGEST_INTERVAL_MS: positiveInt(10_000),
  /**
   * How long report digest blocks above the hour may stay stale after their hours were rebuilt (reports read
   * their children meanwhile): the blocks above today are rebuilt at most this often.
   */
  REPORT_DIGEST_ANCESTOR_DELAY_MS: positiveInt(300_000),
  /**
   * Memory for cached report responses per API process, in MiB (src/reports/report-cache.ts); 0 = no cache.
   * A cached response is served only while the project's report state is unchanged, so it is never stale.
   */
  REPORT_CACHE_MB: z.coerce.number().int().min(0).max(65_536).default(64),
  /** A run `queued` for longer than this is re-enqueued (a no-op while its job is alive). */
  RECONCILE_QUEUED_STALE_MS: positiveInt(360_000),
  /** A run `running` for longer than RUN_DEADLINE_MS plus this margin, with no live job, is re-queued. */
  RECONCILE_RUNNING_MARGIN_MS: positiveInt(60_000),
  /** BullMQ job lock of the runs worker: a killed worker's job is redelivered after about this long. */
  WORKER_LOCK_DURATION_MS: positiveInt(30_000),
  /** How often the runs worker looks for stalled jobs (jobs whose lock expired). */
  WORKER_STALLED_INTERVAL_MS: positiveInt(30_000),
  /** Requests per API key per minute (fixed window, counted in Redis across replicas); 0 disables. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Runs per workspace per UTC day (skipped runs not counted); past it slots are skipped, run now is 429. 0 = unlimited. */
  WORKSPACE_MAX_RUNS_PER_DAY: z.coerce.number().int().min(0).default(5000),
  /** Estimated USD spend per workspace per UTC day (from PRICE_TABLE); decimal; 0 = unlimited. */
  WORKSPACE_MAX_SPEND_USD_PER_DAY: z.coerce.number().min(0).max(1_000_000_000).default(0),
  /**
   * Lease of one engine concurrency slot (ms), renewed every third of it while the stream runs: a killed
   * worker's slot frees itself after at most this long.
   */
  ENGINE_SLOT_LEASE_MS: positiveInt(30_000),
  /** How long a run waits (+0-50 % jitter) before asking again when its engine has no free slot (ms). */
  ENGINE_THROTTLE_RETRY_MS: positiveInt(1000),
  /** Lifetime of a web app session (cookie), in hours: absolute, counted from sign-in, never extended by use. */
  SESSION_TTL_HOURS: z.coerce.number().int().positive().max(720).default(12),
  /** Lifetime of a single-use sign-in link, in minutes. */
  SIGN_IN_LINK_TTL_MINUTES: z.coerce.number().int().positive().max(1440).default(15),
  /** Public base URL of the web app and API (`https://sr.example.com`): links in Slack alerts and export links. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Folder of the built web app (index.html, assets/); default: web/dist next to package.json. */
  WEB_DIST_DIR: z.string().min(1).optional(),
  /**
   * Reverse proxies in front of the API to trust for X-Forwarded-Proto/-For (`true` = 1, `false` = 0): the
   * session cookie gets `Secure` over HTTPS and sign-in is rate limited by the real client address.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2})$/, 'must be true, false or a number of proxies (0-99)')
    .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v)))
    .default(0),
  /** Base of the exponential, jittered backoff between webhook delivery attempts (ms). */
  WEBHOOK_BACKOFF_MS: positiveInt(10_000),
  /** A webhook delivery attempt that has no complete response after this long fails (ms). */
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000),
});

export type AppConfig = z.infer<typeof configSchema>;
export type Role = AppConfig['ROLE'];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws one ConfigError naming every offending variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(root)';
    const message =
      issue.code === 'invalid_type' && input[name] === undefined ? 'is required' : issue.message;
    return `${name} ${message}`;
  });
  throw new ConfigError(problems);
}

/**
 * The runs worker's lock settings. BullMQ takes them when the worker is constructed, from the static @Processor
 * options (before any provider can inject AppConfig), so they are read from the environment at load time and
 * validated with the same schema as the rest of the configuration.
 */
export function workerLockOptions(env: NodeJS.ProcessEnv = process.env): {
  lockDuration: number;
  stalledInterval: number;
} {
  const schema = configSchema.pick({ WORKER_LOCK_DURATION_MS: true, WORKER_STALLED_INTERVAL_MS: true });
  const parsed = schema.safeParse({
    WORKER_LOCK_DURATION_MS: env.WORKER_LOCK_DURATION_MS || undefined,
    WORKER_STALLED_INTERVAL_MS: env.WORKER_STALLED_INTERVAL_MS || undefined,
  });
  // An invalid value is reported by loadConfig at boot; BullMQ's defaults apply meanwhile.
  const data = parsed.success
    ? parsed.data
    : { WORKER_LOCK_DURATION_MS: 30_000, WORKER_STALLED_INTERVAL_MS: 30_000 };
  return { lockDuration: data.WORKER_LOCK_DURATION_MS, stalledInterval: data.WORKER_STALLED_INTERVAL_MS };
}

/** The daily workspace budgets of this configuration. */
export function budgetCaps(config: AppConfig): { maxRunsPerDay: number; maxSpendUsdPerDay: number } {
  return {
    maxRunsPerDay: config.WORKSPACE_MAX_RUNS_PER_DAY,
    maxSpendUsdPerDay: config.WORKSPACE_MAX_SPEND_USD_PER_DAY,
  };
}

export function runsApi(role: Role): boolean {
  return role === 'api' || role === 'all';
}

export function runsWorker(role: Role): boolean {
  return role === 'worker' || role === 'all';
}
