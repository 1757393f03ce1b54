// Jest globalTeardown: deletes the Redis keys this run created under its QUEUE_PREFIX (see env.ts). The test
// database is left as is for inspection; global-setup recreates it on the next run.
import Redis from 'ioredis';

export default async function globalTeardown(): Promise<void> {
  const prefix = process.env.QUEUE_PREFIX;
  const redisUrl = process.env.REDIS_URL;
  if (!prefix || !redisUrl) return;

  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    // Plain `prefix:*` keys and cluster-style `{prefix}:*` ones; glob metacharacters in the prefix are escaped.
    const escaped = prefix.replace(/[*?[\]\\]/g, '\\$&');
    for (const match of [`${escaped}:*`, `{${escaped}}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } catch (error) {
    console.warn(`global-teardown: could not clean Redis keys under ${prefix}: ${String(error)}`);
  } finally {
    redis.disconnect();
  }
}
