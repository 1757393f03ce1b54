import { CredentialCipher } from './credential-cipher';

describe('CredentialCipher', () => {
  const cipher = new CredentialCipher(Buffer.alloc(32, 1).toString('base64'));

  it('round-trips and never stores the plaintext', () => {
    const blob = cipher.encrypt('sk-secret-123', 'ws-a', 'engine-1');
    expect(Buffer.from(blob).toString('latin1')).not.toContain('sk-secret');
    expect(cipher.decrypt(blob, 'ws-a', 'engine-1')).toBe('sk-secret-123');
  });

  it('is bound to its workspace and engine (a copied ciphertext does not decrypt)', () => {
    const blob = cipher.encrypt('sk-secret-123', 'ws-a', 'engine-1');
    expect(() => cipher.decrypt(blob, 'ws-b', 'engine-1')).toThrow();
    expect(() => cipher.decrypt(blob, 'ws-a', 'engine-2')).toThrow();
  });

  it('detects tampering and a wrong key', () => {
    const blob = Buffer.from(cipher.encrypt('sk-secret-123', 'ws-a', 'e'));
    blob[blob.length - 1]! ^= 1;
    expect(() => cipher.decrypt(blob, 'ws-a', 'e')).toThrow();
    const other = new CredentialCipher(Buffer.alloc(32, 2).toString('base64'));
    expect(() => other.decrypt(cipher.encrypt('x', 'ws-a', 'e'), 'ws-a', 'e')).toThrow();
  });
});
