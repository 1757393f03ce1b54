// Jest setupFiles (each test file) and imported by global-setup (once per run, in the parent process).
// Sets test defaults only where the environment does not already provide a value, so CI or a developer can
// point the suite elsewhere (e.g. DATABASE_URL=... npm test).
import { randomBytes } from 'node:crypto';

const defaults: Record<string, () => string> = {
  DATABASE_URL: () => 'postgresql://postgres@127.0.0.1:5432/streamrank_test',
  REDIS_URL: () => 'redis://127.0.0.1:6379',
  // Unique per jest run: global-setup imports this file first, so the value is generated once in the parent
  // process and inherited by every worker; global-teardown deletes the keys under it. Concurrent runs on the
  // same Redis never see each other's queues.
  QUEUE_PREFIX: () => `srtest-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
  // A fixed 32-byte key (bytes 0..31), for tests only.
  ENCRYPTION_KEY: () => 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  LOG_LEVEL: () => 'silent',
  NODE_ENV: () => 'test',
  ROLE: () => 'all',
};

for (const [name, value] of Object.entries(defaults)) {
  if (!process.env[name]) process.env[name] = value();
}
