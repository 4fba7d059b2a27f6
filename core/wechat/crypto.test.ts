import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesKeyOf, decryptMessage, encryptMessage, wechatSignature, WechatCryptoError } from './crypto.js';

// WeChat's public sample vector (WXBizMsgCrypt): token spamtest, the EncodingAESKey below, AppID wx2c2769f8efd9abc2.
const TOKEN = 'spamtest';
const KEY = aesKeyOf('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
const APP_ID = 'wx2c2769f8efd9abc2';
const TIMESTAMP = '1409735669';
const NONCE = '1320562132';
const MSG_SIGNATURE = '5d197aaffba7e9b25a30732f161a50dee96bd5fa';
const ENCRYPT =
  'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';

describe('WeChat message crypto', () => {
  it('checks the public sample vector signature and decrypts its message', () => {
    expect(wechatSignature(TOKEN, TIMESTAMP, NONCE, ENCRYPT)).toBe(MSG_SIGNATURE);
    const xml = decryptMessage(KEY, APP_ID, ENCRYPT);
    expect(xml).toContain('<MsgId>6054768590064713728</MsgId>');
    expect(xml).toContain('<Content><![CDATA[abcdteT]]></Content>');
    expect(xml).toContain('<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>');
  });

  it('re-encrypts the sample to the same ciphertext given the same random prefix', () => {
    // The sample's 16 random bytes are the start of its plaintext; with them the encryption is deterministic.
    const decipher = createDecipheriv('aes-256-cbc', KEY, KEY.subarray(0, 16));
    decipher.setAutoPadding(false);
    const prefix = Buffer.concat([decipher.update(Buffer.from(ENCRYPT, 'base64')), decipher.final()]).subarray(0, 16);
    expect(encryptMessage(KEY, APP_ID, decryptMessage(KEY, APP_ID, ENCRYPT), prefix)).toBe(ENCRYPT);
  });

  it('round-trips Chinese text and refuses another receiver, bad padding and junk', () => {
    const sealed = encryptMessage(KEY, APP_ID, '<xml><Content>你好，世界</Content></xml>');
    expect(Buffer.from(sealed, 'base64').length % 32).toBe(0);
    expect(decryptMessage(KEY, APP_ID, sealed)).toBe('<xml><Content>你好，世界</Content></xml>');
    expect(() => decryptMessage(KEY, 'wx-someone-else', sealed)).toThrow(WechatCryptoError);
    expect(() => decryptMessage(KEY, APP_ID, 'not base64 at all!')).toThrow(WechatCryptoError);
    expect(() => decryptMessage(KEY, APP_ID, Buffer.alloc(32, 7).toString('base64'))).toThrow(WechatCryptoError);
    expect(() => aesKeyOf('short')).toThrow(WechatCryptoError);
  });
});
