import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, type RunningProcess } from '../../app/start.js';
import { connectorDeps } from '../../app/gateway.js';
import { loadConfig, ROLES } from '../../core/config/config.js';
import { createChannel } from '../../core/connector/channels.js';
import { queueReply } from '../../core/conversations/reply.js';
import type { Db } from '../../core/db/database.js';
import { createLogger } from '../../core/log/logger.js';
import { dovecotAvailable, startDovecot, type Dovecot } from '../support/dovecot.js';
import { startSmtpServer } from '../support/smtp.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from '../support/services.js';
import { LOOPBACK_ALLOW } from '../support/connectors.js';

// With AMQP_URL set the test runs on RabbitMQ and fails if it is down; without it, on the in-process bus.
const broker = Boolean(AMQP_URL);

const SUPPORT = 'support@example.test';
const CUSTOMER = 'customer@example.org';
const fixture = (name: string) => readFileSync(new URL(`../../connectors/email/fixtures/${name}`, import.meta.url));

function compose(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer(mail).compile().build();
}

/**
 * The e-mail channel end to end on real servers: a private Dovecot (IMAP, IDLE), a loopback
 * SMTP server that files what it gets into the customer's Dovecot mailbox, PostgreSQL and
 * RabbitMQ, the router in this process and the gateway (pull loops, outbound) in a child
 * process that the crash test kills with SIGKILL.
 */
describe.skipIf(!DATABASE_URL || !dovecotAvailable)('e-mail channel on Dovecot, SMTP, PostgreSQL and RabbitMQ', () => {
  let dovecot: Dovecot;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let database: Awaited<ReturnType<typeof emptyPgDatabase>>;
  let running: RunningProcess;
  let gateway: ChildProcess | undefined;
  let gatewayLog = '';
  let env: Record<string, string>;
  let db: Db;
  let tenantId: string;
  let channelId: string;
  let logs = '';

  const startGateway = async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/email-gateway-child.ts'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (gatewayLog += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (gatewayLog += chunk.toString()));
    await eventually(() => (gatewayLog.includes('ready') ? true : undefined), { timeoutMs: 60_000 });
    gateway = child;
  };
  const stopGateway = async (signal: NodeJS.Signals) => {
    const child = gateway;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    gateway = undefined;
  };

  const channelSettings = (user: string, folder = 'INBOX', pollSeconds = 3600) => ({
    fromAddress: user,
    fromName: 'Acme Support',
    imapHost: dovecot.host,
    imapPort: dovecot.port,
    imapSecurity: 'none',
    imapUser: user,
    imapPassword: dovecot.users[user],
    folder,
    // An hour by default: only IDLE can bring a mail in within the tests' waits.
    pollSeconds,
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    smtpSecurity: 'none',
    maxMailsPerSenderPerHour: 5000,
  });

  const inbound = (channel: string) =>
    db.selectFrom('messages').selectAll().where('channel_id', '=', channel).where('direction', '=', 'in').orderBy('id').execute();

  beforeAll(async () => {
    dovecot = await startDovecot({
      users: { [SUPPORT]: 'support-pass-1', [CUSTOMER]: 'customer-pass-2', 'resync@example.test': 'resync-pass-3', 'backlog@example.test': 'backlog-pass-4' },
    });
    // What our SMTP server takes is delivered to the customer's mailbox, as the customer's provider would.
    smtp = await startSmtpServer({ onMessage: async (raw) => void (await dovecot.deliver(CUSTOMER, 'INBOX', [raw])) });
    database = await emptyPgDatabase();
    env = {
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOUND_ALLOW: LOOPBACK_ALLOW,
      DATABASE_URL: database.url,
      ...(broker ? { AMQP_URL: AMQP_URL!, BUS_NAMESPACE, BUS_QUEUE_TYPE: TEST_QUEUE_TYPE } : {}),
      SECRET_KEY: 'cd'.repeat(32),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-email-')),
      BUS_RETRY_BASE_MS: '200',
      BUS_RETRY_ATTEMPTS: '3',
      LOG_LEVEL: 'info',
    };
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _e, done) {
          logs += chunk;
          done();
        },
      }),
    );
    running = await startProcess(loadConfig(env), broker ? ['router', 'console'] : ROLES, logger);
    db = running.ctx.database.db;
    tenantId = (await db.insertInto('tenants').values({ slug: 'acme', name: 'Acme' }).returning('id').executeTakeFirstOrThrow()).id;
    const deps = await connectorDeps(running.ctx);
    channelId = (await createChannel(deps, tenantId, { type: 'email', name: 'Support mailbox', config: { ...channelSettings(SUPPORT), sentFolder: 'Sent' } }))
      .channel.id;
    if (broker) await startGateway();
    await eventually(() => (`${gatewayLog}${logs}`.includes('mailbox open') ? true : undefined), { timeoutMs: 30_000 });
  }, 120_000);

  afterAll(async () => {
    if (process.env.EMAIL_TEST_LOG) (await import('node:fs')).writeFileSync(process.env.EMAIL_TEST_LOG, `${logs}\n${gatewayLog}\n${dovecot?.log()}`);
    await stopGateway('SIGTERM').catch(() => {});
    await running?.stop();
    await smtp?.close();
    await dovecot?.stop();
    await database?.drop();
  }, 60_000);

  let conversationId: string;
  let replyId: string;
  const firstMail = '<order-question-1@example.org>';

  it('turns a customer’s mail into a conversation as soon as IDLE reports it', async () => {
    const raw = await compose({
      from: { name: '顾客 Gu', address: CUSTOMER },
      to: SUPPORT,
      subject: '我的订单在哪里？ Where is my order?',
      messageId: firstMail,
      text: 'Hello, order A-1001 has not arrived.',
    });
    const started = Date.now();
    await dovecot.deliver(SUPPORT, 'INBOX', [raw]);
    const [message] = (await eventually(async () => ((await inbound(channelId)).length ? inbound(channelId) : undefined), { timeoutMs: 15_000 }))!;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(message!.external_id).toBe('order-question-1@example.org');
    const conversation = await db.selectFrom('conversations').selectAll().where('id', '=', message!.conversation_id).executeTakeFirstOrThrow();
    expect(conversation).toMatchObject({ kind: 'email', subject: '我的订单在哪里？ Where is my order?', status: expect.any(String) });
    expect(JSON.stringify(message!.content)).toContain('order A-1001 has not arrived');
    conversationId = conversation.id;
  }, 30_000);

  it('sends the agent’s reply so the customer’s client threads it, and it lands in the customer’s mailbox', async () => {
    const { message } = await queueReply(db, {
      tenantId,
      conversationId,
      sender: { type: 'agent', id: null },
      parts: [{ type: 'text', text: 'It left our warehouse this morning.' }],
    });
    running.ctx.relay.poke();
    const mail = await smtp.waitForMail(CUSTOMER);
    const sent = await eventually(async () => {
      const row = await db.selectFrom('messages').selectAll().where('id', '=', message.id).executeTakeFirstOrThrow();
      return row.status === 'sent' ? row : undefined;
    });
    const thread = await db.selectFrom('conversations').select('thread_key').where('id', '=', conversationId).executeTakeFirstOrThrow();
    expect(mail.from?.value[0]).toEqual({ address: SUPPORT, name: 'Acme Support' });
    expect(mail.subject).toBe(`Re: 我的订单在哪里？ Where is my order? [#${thread.thread_key}]`);
    expect(mail.inReplyTo).toBe(firstMail);
    expect(mail.references).toBe(firstMail);
    expect(mail.messageId).toBe(`<${sent!.provider_message_id}>`);
    expect(mail.headers.get('auto-submitted')).toBeUndefined();
    expect(mail.text).toContain('It left our warehouse this morning.');
    replyId = sent!.provider_message_id!;

    // An automatic answer (a bot's) to a person's mail goes out marked as such (RFC 3834).
    const { message: botMessage } = await queueReply(db, {
      tenantId,
      conversationId,
      sender: { type: 'bot', id: null },
      parts: [{ type: 'text', text: 'An agent will be with you shortly.' }],
    });
    running.ctx.relay.poke();
    const botMail = await eventually(() => smtp.mails.find((m) => m.text?.includes('An agent will be with you shortly.')));
    expect(botMail!.headers.get('auto-submitted')).toBe('auto-replied');
    expect(botMail!.references).toEqual([firstMail, `<${replyId}>`]);
    await eventually(async () =>
      (await db.selectFrom('messages').select('status').where('id', '=', botMessage.id).executeTakeFirstOrThrow()).status === 'sent' ? true : undefined,
    );

    // The customer's mailbox has it, with the same headers; our Sent folder has the same mail, read.
    for (const [user, folder] of [
      [CUSTOMER, 'INBOX'],
      [SUPPORT, 'Sent'],
    ] as const) {
      const client = await dovecot.client(user);
      try {
        const found = await eventually(async () => {
          const open = await client.mailboxOpen(folder).catch(() => undefined);
          if (!open?.exists) return undefined;
          return (await client.fetchAll('1:*', { envelope: true, flags: true }))[0];
        });
        expect(found!.envelope!.messageId, `${user} ${folder}`).toBe(`<${replyId}>`);
        expect(found!.envelope!.inReplyTo).toBe(firstMail);
        if (folder === 'Sent') expect(found!.flags?.has('\\Seen')).toBe(true);
      } finally {
        await client.logout();
      }
    }
  }, 30_000);

  it('threads the customer’s answers into the same conversation by In-Reply-To, by References alone, and by the subject token', async () => {
    const thread = await db.selectFrom('conversations').select('thread_key').where('id', '=', conversationId).executeTakeFirstOrThrow();
    const answers = [
      await compose({
        from: CUSTOMER,
        to: SUPPORT,
        subject: '回复: 我的订单在哪里？',
        messageId: '<answer-1@example.org>',
        inReplyTo: `<${replyId}>`,
        text: 'Thanks!',
      }),
      await compose({
        from: CUSTOMER,
        to: SUPPORT,
        subject: 'AW: something else entirely',
        messageId: '<answer-2@example.org>',
        references: [firstMail, `<${replyId}>`],
        text: 'One more thing.',
      }),
      await compose({
        from: CUSTOMER,
        to: SUPPORT,
        subject: `RE: Fwd: 答复: still waiting [#${thread.thread_key}]`,
        messageId: '<answer-3@example.org>',
        text: 'Still nothing.',
      }),
    ];
    await dovecot.deliver(SUPPORT, 'INBOX', answers);
    const rows = (await eventually(
      async () => {
        const all = await inbound(channelId);
        return all.length >= 4 ? all : undefined;
      },
      { timeoutMs: 20_000 },
    ))!;
    expect(rows.map((r) => r.external_id)).toEqual(['order-question-1@example.org', 'answer-1@example.org', 'answer-2@example.org', 'answer-3@example.org']);
    expect(new Set(rows.map((r) => r.conversation_id))).toEqual(new Set([conversationId]));
  }, 30_000);

  it('decodes mail in GB2312, GBK, GB18030, Big5, ISO-2022-JP and UTF-8', async () => {
    const files = ['gb2312.eml', 'gbk.eml', 'gb18030.eml', 'big5.eml', 'iso-2022-jp.eml', 'multipart-utf8.eml'];
    await dovecot.deliver(SUPPORT, 'INBOX', files.map(fixture));
    const expected: Record<string, [string, string]> = {
      'gb2312-1@example.cn': ['订单没有收到', '我的订单还没有收到'],
      'gbk-1@example.cn': ['退款申请（镕）', '镕基金'],
      'gb18030-1@example.cn': ['发票问题 𠀀', '𠀀科技有限公司'],
      'big5-1@example.tw': ['帳號無法登入', '我的帳號無法登入'],
      'iso2022jp-1@example.jp': ['注文のキャンセルについて', '注文をキャンセルしたいです'],
      'multipart-1@example.de': ['收到的包裹坏了—parcel broken', 'the parcel arrived broken'],
    };
    const rows = (await eventually(
      async () => {
        const all = await db
          .selectFrom('messages')
          .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
          .select(['messages.external_id', 'messages.content', 'conversations.subject'])
          .where('messages.channel_id', '=', channelId)
          .where('messages.external_id', 'in', Object.keys(expected))
          .execute();
        return all.length === files.length ? all : undefined;
      },
      { timeoutMs: 20_000 },
    ))!;
    for (const row of rows) {
      const [subject, text] = expected[row.external_id!]!;
      expect(row.subject, row.external_id!).toBe(subject);
      expect(JSON.stringify(row.content), row.external_id!).toContain(text);
    }
    // The multipart mail's inline image and attachment are stored files of the channel.
    const multipart = rows.find((r) => r.external_id === 'multipart-1@example.de')!;
    const files2 = (multipart.content as { type: string; attachmentId?: string; name?: string }[]).filter((p) => p.attachmentId);
    expect(files2.map((p) => [p.type, p.name])).toEqual([
      ['image', 'photo.png'],
      ['file', '发票 Rechnung ü.pdf'],
    ]);
    const details = (multipart.content as { type: string; name?: string; data?: { html?: string } }[]).find((p) => p.type === 'event')!;
    expect(details.data!.html).toContain(`src="attachment:${files2[0]!.attachmentId}"`);
  }, 30_000);

  it('stores an auto-reply without answering it, and a bounce marks the bounced reply failed; neither sends mail', async () => {
    const mailsBefore = smtp.mails.length;
    const auto = fixture('auto-reply.eml')
      .toString('latin1')
      .replace('From: Customer <customer@example.org>', `From: Customer <${CUSTOMER}>`)
      .replace(
        'Subject: Out of office: Re: Your ticket [#0123456789]',
        `Subject: Out of office [#${(await db.selectFrom('conversations').select('thread_key').where('id', '=', conversationId).executeTakeFirstOrThrow()).thread_key}]`,
      );
    await dovecot.deliver(SUPPORT, 'INBOX', [Buffer.from(auto, 'latin1')]);
    const stored = await eventually(() =>
      db.selectFrom('messages').selectAll().where('channel_id', '=', channelId).where('external_id', '=', 'ooo-1@example.org').executeTakeFirst(),
    );
    expect(stored!.conversation_id).toBe(conversationId);
    expect(JSON.stringify(stored!.content)).toContain('"automatic":"Auto-Submitted: auto-replied"');

    // A bot's answer to it is refused: no mail leaves.
    const { message: botReply } = await queueReply(db, {
      tenantId,
      conversationId,
      sender: { type: 'bot', id: null },
      parts: [{ type: 'text', text: 'We got your mail.' }],
    });
    running.ctx.relay.poke();
    const refused = await eventually(async () => {
      const row = await db.selectFrom('messages').selectAll().where('id', '=', botReply.id).executeTakeFirstOrThrow();
      return row.status === 'failed' ? row : undefined;
    });
    expect(refused!.error).toMatch(/not answering an automatic mail/);

    // The customer's server bounces our first reply.
    const bounce = fixture('bounce-dsn.eml').toString('latin1').replace('OUTBOUND_ID', replyId);
    const inboundBefore = (await inbound(channelId)).length;
    await dovecot.deliver(SUPPORT, 'INBOX', [Buffer.from(bounce, 'latin1')]);
    const failed = await eventually(
      async () => {
        const row = await db.selectFrom('messages').selectAll().where('provider_message_id', '=', replyId).executeTakeFirstOrThrow();
        return row.status === 'failed' ? row : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(failed!.error).toBe('bounced: 550 5.1.1 <gone@example.org>: User unknown');
    expect((await inbound(channelId)).length).toBe(inboundBefore);
    expect(smtp.mails.length).toBe(mailsBefore);
  }, 40_000);

  it('reads a folder again after a UIDVALIDITY change without storing anything twice', async () => {
    const user = 'resync@example.test';
    const deps = await connectorDeps(running.ctx);
    const mails = await Promise.all(
      [1, 2, 3].map((n) => compose({ from: `c${n}@example.org`, to: user, subject: `resync ${n}`, messageId: `<resync-${n}@example.org>`, text: `mail ${n}` })),
    );
    await dovecot.deliver(user, 'Support', mails);
    const channel = (await createChannel(deps, tenantId, { type: 'email', name: 'Resync', config: channelSettings(user, 'Support', 5) })).channel.id;
    await eventually(async () => ((await inbound(channel)).length === 3 ? true : undefined), { timeoutMs: 20_000 });
    const before = (await eventually(async () => {
      const row = await db.selectFrom('pull_cursors').select('cursor').where('channel_id', '=', channel).executeTakeFirst();
      return row?.cursor.lastUid === 3 ? row : undefined;
    }))!;

    // The folder is dropped and made again (as after a server migration): new UIDVALIDITY, the same mails plus one.
    const admin = await dovecot.client(user);
    await admin.mailboxDelete('Support');
    await admin.mailboxCreate('Support');
    await admin.logout();
    const fourth = await compose({ from: 'c4@example.org', to: user, subject: 'resync 4', messageId: '<resync-4@example.org>', text: 'mail 4' });
    await dovecot.deliver(user, 'Support', [...mails, fourth]);

    const after = await eventually(
      async () => {
        const row = await db.selectFrom('pull_cursors').select('cursor').where('channel_id', '=', channel).executeTakeFirstOrThrow();
        return row.cursor.uidValidity !== before.cursor.uidValidity && row.cursor.lastUid === 4 ? row : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(after).toBeDefined();
    await new Promise((r) => setTimeout(r, 500));
    expect((await inbound(channel)).map((r) => r.external_id).sort()).toEqual([
      'resync-1@example.org',
      'resync-2@example.org',
      'resync-3@example.org',
      'resync-4@example.org',
    ]);
  }, 60_000);
});
