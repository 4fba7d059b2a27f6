import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ChannelContext } from '../../core/connector/define.js';
import { ValidationError } from '../../core/errors.js';
import { createLogger } from '../../core/log/logger.js';
import { emailConfig, type EmailConfig } from './config.js';
import { normalizeEmail } from './normalize.js';
import { threadKeyFor } from './threading.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const payload = (raw: Buffer | string, uid = 1) => ({ uidValidity: '7', uid, folder: 'INBOX', raw: Buffer.from(raw).toString('base64') });

/** A channel context without a database: enough for mails that name no earlier mail and carry no files. */
function context(channelId: string, overrides: Partial<EmailConfig> = {}) {
  let logs = '';
  const ctx = {
    channel: { id: channelId, tenantId: 't', type: 'email', name: 'Support', publicKey: null },
    config: emailConfig.parse({ fromAddress: 'Support@Example.test', imapHost: 'h', imapUser: 'u', imapPassword: 'p', smtpHost: 'h', ...overrides }),
    logger: createLogger(
      'debug',
      new Writable({
        write(chunk, _e, done) {
          logs += chunk;
          done();
        },
      }),
    ),
  } as unknown as ChannelContext<EmailConfig>;
  return { ctx, logs: () => logs };
}

describe('normalizeEmail', () => {
  it('makes a message of a customer’s mail: dedupe key, sender, subject, text and the email details', async () => {
    const [message] = await normalizeEmail(payload(fixture('gb2312.eml')), context('c1').ctx);
    expect(message).toMatchObject({
      externalId: 'gb2312-1@example.cn',
      threadKey: threadKeyFor('gb2312-1@example.cn'),
      kind: 'email',
      sender: { externalId: 'wang@example.cn', email: 'wang@example.cn', displayName: '王小明' },
      subject: '订单没有收到',
      raw: { uid: 1, uidValidity: '7', folder: 'INBOX' },
    });
    expect(message!.parts[0]).toMatchObject({ type: 'text', format: 'plain' });
    expect(message!.parts.at(-1)).toMatchObject({ type: 'event', name: 'email', data: { messageId: 'gb2312-1@example.cn', to: ['support@example.test'] } });
  });

  it('keys a mail without Message-ID by the hash of its bytes, the same on every read', async () => {
    const { ctx } = context('c2');
    const [first] = await normalizeEmail(payload(fixture('no-message-id.eml'), 5), ctx);
    const [again] = await normalizeEmail(payload(fixture('no-message-id.eml'), 9), ctx);
    expect(first!.externalId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(again!.externalId).toBe(first!.externalId);
  });

  it('threads a mail that names no earlier mail by its subject token, under any prefix', async () => {
    const { ctx } = context('c3');
    const [byToken] = await normalizeEmail(payload('From: a@example.org\r\nSubject: 答复: RE: help [#a1b2c3d4e5]\r\nMessage-ID: <t1@x>\r\n\r\nhi\r\n'), ctx);
    expect(byToken!.threadKey).toBe('a1b2c3d4e5');
    expect(byToken!.subject).toBe('help');
  });

  it('stores a mail holding U+0000 with U+FFFD in its place, and says how many were replaced', async () => {
    const [message] = await normalizeEmail(
      payload('From: Li\u0000 <li@example.org>\r\nSubject: a\u0000b\r\nMessage-ID: <nul-1@x>\r\n\r\nline\u0000one 你好\r\n'),
      context('c5').ctx,
    );
    expect(message!.subject).toBe('a\uFFFDb');
    expect(message!.parts[0]).toMatchObject({ type: 'text', text: expect.stringContaining('line\uFFFDone 你好') });
    expect(JSON.stringify(message)).not.toContain('\\u0000');
    expect(message!.parts.at(-1)).toMatchObject({ type: 'event', data: { replacedCharacters: expect.any(Number) } });
  });

  it('marks an auto-reply as automatic', async () => {
    const [message] = await normalizeEmail(payload(fixture('auto-reply.eml')), context('c4').ctx);
    expect(message!.parts.at(-1)).toMatchObject({ type: 'event', data: { automatic: 'Auto-Submitted: auto-replied' } });
  });

  it('drops mail from the channel’s own address and a sender over the hourly limit', async () => {
    const own = context('c5');
    expect(await normalizeEmail(payload('From: SUPPORT@example.test\r\nSubject: x\r\n\r\nloop\r\n'), own.ctx)).toEqual([]);
    expect(own.logs()).toContain('own address');
    const storm = context('c6', { maxMailsPerSenderPerHour: 2 });
    const mail = (n: number) => payload(`From: storm@example.org\r\nSubject: ${n}\r\nMessage-ID: <s${n}@x>\r\n\r\n${n}\r\n`, n);
    const results = [];
    for (const n of [1, 2, 3]) results.push((await normalizeEmail(mail(n), storm.ctx)).length);
    expect(results).toEqual([1, 1, 0]);
    expect(storm.logs()).toContain('over the hourly mail limit');
  });

  it('refuses a mail without a sender and a payload that is not a fetched mail', async () => {
    await expect(normalizeEmail(payload('Subject: nobody\r\n\r\ntext\r\n'), context('c7').ctx)).rejects.toBeInstanceOf(ValidationError);
    await expect(normalizeEmail({ uid: 'x' }, context('c7').ctx)).rejects.toThrow();
  });
});
