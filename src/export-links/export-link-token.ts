// Export link tokens: `sr_exp_` + 32 random bytes in base64url (256 bits). As with API keys
// (src/auth/api-key-format.ts), only the SHA-256 of the whole token is stored and it is the lookup index: a fast
// hash is right for high-entropy random tokens. The `sr_` lead-in is one the log scrubber already redacts, so a
// token in a logged request path leaves as `[redacted]`.
import { hashApiKey } from '../auth/api-key-format';
import { newToken } from '../auth/session-cookie';

export const EXPORT_TOKEN_PREFIX = 'sr_exp_';
const TOKEN_PATTERN = /^sr_exp_[A-Za-z0-9_-]{43}$/;
/** `sr_exp_` and 6 characters of the secret: enough to tell links apart, far too few to guess the rest. */
const DISPLAY_PREFIX_LENGTH = EXPORT_TOKEN_PREFIX.length + 6;

export interface GeneratedExportToken {
  token: string;
  prefix: string;
  hash: Uint8Array<ArrayBuffer>;
}

export function generateExportToken(): GeneratedExportToken {
  const token = `${EXPORT_TOKEN_PREFIX}${newToken()}`;
  return { token, prefix: token.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashExportToken(token) };
}

export function isWellFormedExportToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

export const hashExportToken = (token: string): Uint8Array<ArrayBuffer> => hashApiKey(token);

/** The public path of a token: `/v1/export/<token>.csv`. */
export const exportLinkPath = (token: string): string => `/v1/export/${token}.csv`;

/** The token of a `<token>.csv` path segment; null when the segment cannot hold one. */
export function tokenOfFile(file: string): string | null {
  if (!file.endsWith('.csv')) return null;
  const token = file.slice(0, -'.csv'.length);
  return isWellFormedExportToken(token) ? token : null;
}
