import { createHmac, randomBytes } from 'node:crypto';
import { type CredentialCipher } from '../infra/crypto/credential-cipher';

export const SECRET_PREFIX = 'whsec_';

/** A new signing secret, Standard Webhooks style: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * Associated data for the secret's ciphertext. CredentialCipher binds (workspace, second id); the `webhook/`
 * namespace keeps a webhook secret from ever decrypting as an engine credential or vice versa.
 */
const cipherSubject = (webhookId: string): string => `webhook/${webhookId}`;

export function encryptWebhookSecret(
  cipher: CredentialCipher,
  secret: string,
  workspaceId: string,
  webhookId: string,
): Uint8Array<ArrayBuffer> {
  return cipher.encrypt(secret, workspaceId, cipherSubject(webhookId));
}

export function decryptWebhookSecret(
  cipher: CredentialCipher,
  blob: Uint8Array,
  workspaceId: string,
  webhookId: string,
): string {
  return cipher.decrypt(blob, workspaceId, cipherSubject(webhookId));
}

/**
 * `v1,<base64 HMAC-SHA256 of "${id}.${timestamp}.${body}">`. As in Standard Webhooks, the HMAC key is the
 * base64-decoded part of the secret after `whsec_`, and the body is the exact raw bytes sent.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: Buffer): string {
  const key = Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`, 'utf8').update(body).digest('base64');
  return `v1,${mac}`;
}
