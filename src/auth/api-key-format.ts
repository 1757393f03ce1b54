import { createHash, randomBytes } from 'node:crypto';

// Generated keys look like `sr_<12 chars>_<43 chars>` (256 bits of entropy). Only SHA-256 of the whole key
// is stored, and it is the lookup index: a fast hash is right for high-entropy random keys (there is no
// dictionary to brute force) and keeps authentication to one indexed read. Operators may also import a key
// of their own (DEMO_API_KEY) as long as it is long enough to carry real entropy.
export const MIN_KEY_LENGTH = 32;
const KEY_PATTERN = /^[\x21-\x7e]{32,512}$/;
const DISPLAY_PREFIX_LENGTH = 10;

export interface GeneratedKey {
  key: string;
  prefix: string;
  hash: Uint8Array<ArrayBuffer>;
}

export function generateApiKey(): GeneratedKey {
  const id = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  return describeKey(`sr_${id}_${randomBytes(32).toString('base64url')}`);
}

/** Hash and display prefix of a key; null when it cannot be a key (too short, spaces, non-ASCII). */
export function describeKey(key: string): GeneratedKey {
  return { key, prefix: key.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

export function isWellFormedKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function hashApiKey(key: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(key, 'utf8').digest());
}
