import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Keys look like `sr_<prefix>_<secret>`: the prefix is a public lookup id (indexed, unique), the secret
// carries 256 bits of entropy. Only SHA-256 of the whole key is stored; a fast hash is right for
// high-entropy random keys (no dictionary to brute force), and it keeps authentication cheap.
const KEY_PATTERN = /^sr_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedKey {
  key: string;
  prefix: string;
  hash: Uint8Array<ArrayBuffer>;
}

export function generateApiKey(): GeneratedKey {
  const prefix = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  const key = `sr_${prefix}_${secret}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function parseApiKey(key: string): { prefix: string } | null {
  const m = KEY_PATTERN.exec(key);
  return m?.[1] ? { prefix: m[1] } : null;
}

export function hashApiKey(key: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(key, 'utf8').digest());
}

export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
