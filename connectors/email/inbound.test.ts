import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullContext } from '../../core/connector/define.js';
import { createLogger } from '../../core/log/logger.js';
import { loopbackOutbound } from '../../test/support/connectors.js';
import { dovecotAvailable, startDovecot, type Dovecot } from '../../test/support/dovecot.js';
import { eventually } from '../../test/support/services.js';
import { emailConfig, type EmailConfig } from './config.js';
import { BATCH_MAILS, runMailbox, type MailboxCursor } from './inbound.js';
import type { FetchedMail } from './normalize.js';

const mail = (n: number, to: string) => `From: sender${n}@example.org\r\nTo: ${to}\r\nSubject: mail ${n}\r\nMessage-ID: <m${n}.${to}>\r\n\r\nbody ${n}\r\n`;

/** The loop on a real Dovecot, with the platform's side replaced by recorders: what was handed over, and the cursor. */
function loopOn(dovecot: Dovecot, user: string, options: { pollSeconds?: number; failSaves?: number } = {}) {
  const handed: FetchedMail[][] = [];
  let cursor: Record<string, unknown> = {};
  let failSaves = options.failSaves ?? 0;
  let logs = '';
  const abort = new AbortController();
  const config: EmailConfig = emailConfig.parse({
    fromAddress: user,
    imapHost: dovecot.host,
    imapPort: dovecot.port,
    imapSecurity: 'none',
    imapUser: user,
    imapPassword: dovecot.users[user],
    smtpHost: '127.0.0.1',
    pollSeconds: options.pollSeconds ?? 3600,
  });
  const ctx = {
    channel: { id: `ch-${user}`, tenantId: 't', type: 'email', name: user, publicKey: null },
    config,
    outbound: loopbackOutbound(),
    bus: { kind: 'rabbitmq' },
    logger: createLogger(
      'debug',
      new Writable({
        write(chunk, _e, done) {
          logs += chunk;
          done();
        },
      }),
    ),
    signal: abort.signal,
    accept: async (payloads: unknown[]) => {
      handed.push(payloads as FetchedMail[]);
      return [];
    },
    cursor: {
      load: async () => cursor,
      save: async (value: Record<string, unknown>) => {
        if (failSaves > 0) {
          failSaves--;
          throw new Error('the database went away');
        }
        cursor = value;
      },
    },
  } as unknown as PullContext<EmailConfig>;
  const done = runMailbox(ctx);
  return {
    handed,
    cursor: () => cursor as unknown as MailboxCursor,
    logs: () => logs,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

describe.skipIf(!dovecotAvailable)('the mailbox loop on a real Dovecot', () => {
  let dovecot: Dovecot;
  let polling: Dovecot;
  beforeAll(async () => {
    [dovecot, polling] = await Promise.all([
      startDovecot({ users: { 'a@example.test': 'pa', 'b@example.test': 'pb' } }),
      startDovecot({ users: { 'c@example.test': 'pc' }, idle: false }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await dovecot?.stop();
    await polling?.stop();
  });

  it(`streams a backlog in batches of at most ${BATCH_MAILS}, oldest first, moving the cursor after each`, async () => {
    const user = 'a@example.test';
    const total = BATCH_MAILS * 2 + 50;
    await dovecot.deliver(
      user,
      'INBOX',
      Array.from({ length: total }, (_, i) => mail(i + 1, user)),
    );
    const loop = loopOn(dovecot, user);
    try {
      await eventually(() => (loop.cursor().lastUid === total ? true : undefined), { timeoutMs: 30_000 });
      expect(loop.handed.map((b) => b.length)).toEqual([BATCH_MAILS, BATCH_MAILS, 50]);
      expect(loop.handed.flat().map((m) => m.uid)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(Buffer.from(loop.handed[0]![0]!.raw, 'base64').toString()).toContain('Subject: mail 1\r\n');
    } finally {
      await loop.stop();
    }
  }, 60_000);

  it('hands a batch over again when the cursor could not be saved after the bus took it, and goes on from there', async () => {
    const user = 'b@example.test';
    await dovecot.deliver(
      user,
      'INBOX',
      [1, 2, 3].map((n) => mail(n, user)),
    );
    const loop = loopOn(dovecot, user, { failSaves: 1 });
    try {
      await eventually(() => (loop.cursor().lastUid === 3 ? true : undefined), { timeoutMs: 30_000 });
      // The same mails, the same bytes: the same dedupe keys, so the router stores them once.
      expect(loop.handed.map((b) => b.map((m) => m.uid))).toEqual([
        [1, 2, 3],
        [1, 2, 3],
      ]);
      expect(loop.handed[1]!.map((m) => m.raw)).toEqual(loop.handed[0]!.map((m) => m.raw));
      expect(loop.logs()).toContain('mailbox connection failed');
      await dovecot.deliver(user, 'INBOX', [mail(4, user)]);
      await eventually(() => (loop.cursor().lastUid === 4 ? true : undefined), { timeoutMs: 10_000 });
      expect(loop.handed.at(-1)!.map((m) => m.uid)).toEqual([4]);
    } finally {
      await loop.stop();
    }
  }, 60_000);

  it('polls a server without IDLE', async () => {
    const user = 'c@example.test';
    const loop = loopOn(polling, user, { pollSeconds: 5 });
    try {
      await eventually(() => (loop.logs().includes('"idle":false') ? true : undefined), { timeoutMs: 10_000 });
      await polling.deliver(user, 'INBOX', [mail(1, user)]);
      await eventually(() => (loop.cursor().lastUid === 1 ? true : undefined), { timeoutMs: 12_000 });
      expect(loop.handed.flat().map((m) => m.uid)).toEqual([1]);
    } finally {
      await loop.stop();
    }
  }, 60_000);
});
