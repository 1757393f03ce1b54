import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for engine credentials. The associated data binds a ciphertext to its workspace and engine,
 * so a ciphertext copied into another tenant's row (or another engine) fails to decrypt.
 * Layout: version(1) || iv(12) || tag(16) || ciphertext.
 */
export class CredentialCipher {
  private readonly key: Buffer;

  constructor(base64Key: string) {
    this.key = Buffer.from(base64Key, 'base64');
    if (this.key.length !== 32) throw new Error('encryption key must be 32 bytes');
  }

  encrypt(plaintext: string, workspaceId: string, engineId: string): Uint8Array<ArrayBuffer> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(CredentialCipher.aad(workspaceId, engineId));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const out = Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), data]);
    return new Uint8Array(out);
  }

  decrypt(blob: Uint8Array, workspaceId: string, engineId: string): string {
    const buf = Buffer.from(blob);
    if (buf[0] !== VERSION) throw new Error('unknown credential ciphertext version');
    const iv = buf.subarray(1, 1 + IV_BYTES);
    const tag = buf.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(CredentialCipher.aad(workspaceId, engineId));
    decipher.setAuthTag(tag);
    return Buffer.concat([
      decipher.update(buf.subarray(1 + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }

  private static aad(workspaceId: string, engineId: string): Buffer {
    return Buffer.from(`streamrank/engine-credential/v1/${workspaceId}/${engineId}`, 'utf8');
  }
}
