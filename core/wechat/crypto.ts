import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
^ * WeChat's callback crypto, used by the Official Account (safe and compatible modes) and by
 * WeCom customer service (always): SHA-1 signatures over sorted strings, and AES-256-CBC with
 * the IV taken from the key and PKCS#7 padding to 32-byte blocks. The plaintext is 16 random
 * bytes, a 4-byte big-endian length, the message, and the receiver id (AppID or CorpID).
 */

/** Hex SHA-1 of the parts sorted and joined: the URL signature and the msg_signature alike. */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

const BLOCK = 32;

export class WechatCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatCryptoError';
  }
}

/** The 32-byte AES key behind a 43-character EncodingAESKey. */
export function aesKeyOf(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) throw new WechatCryptoError('the EncodingAESKey must be 43 letters and digits');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WechatCryptoError('the EncodingAESKey does not decode to 32 bytes');
  return key;
}

/** Encrypts a message for the receiver id; returns the base64 `Encrypt` value. */
export function encryptMessage(key: Buffer, receiverId: string, message: string, random = randomBytes(16)): string {
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([random, length, body, Buffer.from(receiverId, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/**
 * Decrypts an `Encrypt` value and checks that it was meant for this receiver. Throws
 * WechatCryptoError for anything that is not a well-formed message for it.
 */
export function decryptMessage(key: Buffer, expectedReceiverId: string, encrypted: string): string {
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw new WechatCryptoError('the ciphertext is not whole AES blocks');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new WechatCryptoError('the ciphertext does not decrypt');
  }
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WechatCryptoError('the padding is invalid');
  const unpadded = plain.subarray(0, plain.length - pad);
  if (unpadded.length < 20) throw new WechatCryptoError('the plaintext is too short');
  const length = unpadded.readUInt32BE(16);
  if (20 + length > unpadded.length) throw new WechatCryptoError('the message length is invalid');
  const receiverId = unpadded.subarray(20 + length).toString('utf8');
  if (receiverId !== expectedReceiverId) throw new WechatCryptoError('the message is meant for another receiver');
  return unpadded.subarray(20, 20 + length).toString('utf8');
}
