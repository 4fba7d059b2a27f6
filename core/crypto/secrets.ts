import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Seals a channel's secrets with AES-256-GCM under the instance's SECRET_KEY. The result is
 * `v1.<iv>.<tag>.<ciphertext>` in base64url; the tenant and channel ids are bound in as
 * associated data, so a sealed value copied to another channel does not open.
 */
export function sealSecret(key: Buffer, plaintext: string, associatedData = ''): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

export function openSecret(key: Buffer, sealed: string, associatedData = ''): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
    throw new Error('sealed secret is malformed');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(associatedData));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

export function sealJson(key: Buffer, value: unknown, associatedData = ''): string {
  return sealSecret(key, JSON.stringify(value), associatedData);
}

export function openJson<T = unknown>(key: Buffer, sealed: string, associatedData = ''): T {
  return JSON.parse(openSecret(key, sealed, associatedData)) as T;
}
