// Private Redis and Postgres instances for the fault tests, started from the installed binaries on free ports
// under /tmp/streamrank-faults. The fault tests restart, flush and kill these, never the shared services (other
// test runs, other developers, CI jobs may be using those). Every start first removes what an earlier, crashed
// run left behind (by its pid file), so the scripts are idempotent.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, chownSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const FAULT_BASE_DIR = '/tmp/streamrank-faults';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until `probe` resolves true, or throws after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

function isOurProcess(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * redis-server on its own port and --dir, with AOF (fsync every write) like production: a restart keeps the
 * queue, a FLUSHALL loses it.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** `dir`: its own directory, for a test that may run while a fault script uses the default one. */
  static async start(dir = path.join(FAULT_BASE_DIR, 'redis')): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), dir);
    PrivateRedis.cleanLeftovers(redis.dir);
    mkdirSync(redis.dir, { recursive: true });
    await redis.startServer();
    return redis;
  }

  private static cleanLeftovers(dir: string): void {
    const pidFile = path.join(dir, 'redis.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid > 0 && isOurProcess(pid, 'redis-server')) process.kill(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }

  /** The start command, also used after `shutdown nosave`. */
  async startServer(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--pidfile',
      path.join(this.dir, 'redis.pid'),
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
    ];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    await waitFor(`redis on port ${this.port}`, () => ping(this.port), 10_000);
  }

  private cli(...args: string[]): string {
    return execFileSync('redis-cli', ['-p', String(this.port), ...args], { encoding: 'utf8' }).trim();
  }

  /** `redis-cli shutdown nosave`, then waits for the process to exit. */
  async shutdown(): Promise<void> {
    const child = this.child;
    const exited = child && child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null;
    try {
      this.cli('shutdown', 'nosave');
    } catch {
      // redis-cli reports the dropped connection of a successful shutdown as an error on some versions
    }
    await exited;
    this.child = null;
  }

  flushAll(): string {
    return this.cli('flushall');
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) await this.shutdown();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function pgBinDir(): string {
  const versions = readdirSync('/usr/lib/postgresql')
    .filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/pg_ctl`))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** Runs a PostgreSQL binary as the postgres OS user when we are root (initdb and postgres refuse root). */
function asPostgres(bin: string, args: string[]): string {
  const file = path.join(pgBinDir(), bin);
  const isRoot = process.getuid?.() === 0;
  return execFileSync(isRoot ? 'runuser' : file, isRoot ? ['-u', 'postgres', '--', file, ...args] : args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A throw-away cluster (initdb + pg_ctl, trust auth) on its own port and data directory. */
export class PrivatePostgres {
  private readonly dir = path.join(FAULT_BASE_DIR, 'pg');
  private readonly data = path.join(this.dir, 'data');

  private constructor(readonly port: number) {}

  url(database = 'postgres'): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async start(): Promise<PrivatePostgres> {
    const pg = new PrivatePostgres(await freePort());
    pg.cleanLeftovers();
    mkdirSync(pg.dir, { recursive: true });
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(pg.dir, uid, gid);
    }
    asPostgres('initdb', ['-D', pg.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    pg.startServer();
    return pg;
  }

  private cleanLeftovers(): void {
    if (existsSync(path.join(this.data, 'postmaster.pid'))) {
      try {
        asPostgres('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // not running any more
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The start command, also used after a stop. */
  startServer(): void {
    const opts = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c max_connections=200`;
    asPostgres('pg_ctl', [
      '-D',
      this.data,
      '-o',
      opts,
      '-l',
      path.join(this.dir, 'server.log'),
      '-w',
      'start',
    ]);
  }

  /** Stops the server; `immediate` is a crash (no checkpoint, in-flight transactions aborted). */
  stopServer(mode: 'fast' | 'immediate' = 'immediate'): void {
    asPostgres('pg_ctl', ['-D', this.data, '-m', mode, '-w', 'stop']);
  }

  async stop(): Promise<void> {
    this.cleanLeftovers();
    await Promise.resolve();
  }
}
