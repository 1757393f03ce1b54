// Tells "Postgres could not be reached, or is restarting" apart from "the statement was wrong". The first is
// worth waiting out (a restart or a failover ends); the second must not be retried forever. Errors reach us
// in three shapes: the pg driver's own (prepared statements: Node socket errors, DatabaseError with a SQLSTATE),
// Prisma's known request errors (P1001...), and Prisma's driver-adapter errors (a `kind` plus the original
// code); each may wrap another in `cause`.

/** Socket-level failures from Node while connecting to or talking with the server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of an unavailable server: class 08 (connection exception) is matched by prefix; 57P01
 * admin_shutdown ("terminating connection due to administrator command"), 57P02 crash_shutdown, 57P03
 * cannot_connect_now ("the database system is starting up"), 53300 too_many_connections.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Prisma: can't reach server, timed out, server closed the connection, pool timeout. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** Driver adapter error kinds (@prisma/adapter-pg) meaning the server was not there. */
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

/** pg and pg-pool report some of these with a message only. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed|server closed the connection unexpectedly|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|terminating connection due to/i;

function codeMeansUnavailable(code: unknown): boolean {
  if (typeof code !== 'string') return false;
  return (
    SOCKET_CODES.has(code) ||
    UNAVAILABLE_SQLSTATES.has(code) ||
    /^08[0-9A-Z]{3}$/.test(code) ||
    PRISMA_CODES.has(code)
  );
}

/** Whether `error` (or an error it wraps) says the database is unreachable or restarting. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const e = pending.pop();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const o = e as {
      code?: unknown;
      originalCode?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
      errors?: unknown;
    };
    if (codeMeansUnavailable(o.code) || codeMeansUnavailable(o.originalCode)) return true;
    if (typeof o.kind === 'string' && ADAPTER_KINDS.has(o.kind)) return true;
    if (typeof o.message === 'string' && UNAVAILABLE_MESSAGE.test(o.message)) return true;
    pending.push(o.cause, o.meta?.driverAdapterError);
    // AggregateError (a connect to every resolved address refused).
    if (Array.isArray(o.errors)) pending.push(...(o.errors as unknown[]));
  }
  return false;
}
