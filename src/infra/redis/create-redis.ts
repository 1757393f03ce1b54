import { Redis } from 'ioredis';

/**
 * A Redis connection with the process's defaults: bounded command and connect timeouts, a few retries per
 * request, and reconnection by itself. No Nest here: capture threads open their own connection with it.
 */
export function createRedis(url: string, purpose: string): Redis {
  const redis = new Redis(url, {
    connectionName: `streamrank:${purpose}`,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 3000,
    commandTimeout: 3000,
    lazyConnect: false,
  });
  // ioredis reconnects by itself; while Redis is down the failing commands report it (readiness 503, the
  // rate limiter failing open). Without a listener every reconnect attempt prints "Unhandled error event".
  redis.on('error', () => undefined);
  return redis;
}
