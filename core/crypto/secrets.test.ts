import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openJson, openSecret, sealJson, sealSecret } from './secrets.js';

describe('channel secrets at rest', () => {
  const key = randomBytes(32);

  it('round-trips and never stores the plaintext', () => {
    const sealed = sealJson(key, { appSecret: 's3cret-值' }, 'tenant:channel');
    expect(sealed).not.toContain('s3cret');
    expect(openJson(key, sealed, 'tenant:channel')).toEqual({ appSecret: 's3cret-值' });
  });

  it('refuses another key, another channel, or a tampered value', () => {
    const sealed = sealSecret(key, 'token', 'channel-a');
    expect(() => openSecret(randomBytes(32), sealed, 'channel-a')).toThrow();
    expect(() => openSecret(key, sealed, 'channel-b')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => openSecret(key, parts.join('.'), 'channel-a')).toThrow();
  });
});
