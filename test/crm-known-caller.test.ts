import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelContext } from '../core/connector/define.js';
import type { InboundMessage } from '../core/domain/messages.js';
import { createLogger } from '../core/log/logger.js';
import { emailConfig, type EmailConfig } from '../connectors/email/config.js';
import { normalizeEmail } from '../connectors/email/normalize.js';
import { callSignal, normalizeCallSignal } from '../core/domain/call-signals.js';
import type { WhatsAppConfig } from '../connectors/whatsapp/connector.js';
import { normalizeWhatsApp } from '../connectors/whatsapp/normalize.js';
import { processInbound } from '../router/pipeline/process-batch.js';
import { inboundPipeline } from '../app/pipeline.js';
import { startTestConsole, type TestConsole } from './support/console.js';
import { buildCompany, type Company } from './support/console-world.js';

const whatsappFixture = JSON.parse(readFileSync(new URL('../connectors/whatsapp/fixtures/text.json', import.meta.url), 'utf8'));
const mailFixture = readFileSync(new URL('../connectors/email/fixtures/gb2312.eml', import.meta.url));

/**
 * A customer the company knows calls, mails or writes on WhatsApp from a number or address the
 * company has for them: the conversation lands on their record (no second, nameless contact) and
 * the screen pop shows it. Two records with the same number are never guessed between: the call
 * gets a record of its own and the pop offers both, to merge into one (with undo).
 */
describe('a known caller, sender or WhatsApp number lands on their contact', () => {
  let tc: TestConsole;
  let acme: Company;
  let other: Company;
  const channels: Record<string, string> = {};
  const db = () => tc.ctx.database.db;

  const deliver = (tenantId: string, type: string, message: InboundMessage) =>
    db()
      .transaction()
      .execute((trx) =>
        processInbound(
          trx,
          [{ version: 1, tenantId, channelId: channels[`${tenantId}:${type}`]!, channelType: type, receivedAt: new Date().toISOString(), message }],
          { pipeline: inboundPipeline },
        ),
      );
  const conversationOf = (tenantId: string, type: string, threadKey: string) =>
    db()
      .selectFrom('conversations')
      .select(['id', 'contact_id'])
      .where('channel_id', '=', channels[`${tenantId}:${type}`]!)
      .where('thread_key', '=', threadKey)
      .executeTakeFirstOrThrow();
  const contactCount = async (tenantId: string) =>
    Number(
      (
        await db()
          .selectFrom('contacts')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('tenant_id', '=', tenantId)
          .where('merged_into_id', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const addContact = async (company: Company, body: Record<string, unknown>) => {
    const made = await company.clients.admin.post('/api/contacts', body);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body.id as string;
  };
  /** A call as the Twilio and Asterisk connectors report it (the same signal from both), and its call record. */
  const call = async (tenantId: string, type: 'voice-twilio' | 'voice-asterisk', callId: string, from: string) => {
    const row = { provider_call_id: callId, direction: 'in' as const, from_number: from, to_number: '+8610000000' };
    await db()
      .insertInto('calls')
      .values({
        tenant_id: tenantId,
        channel_id: channels[`${tenantId}:${type}`]!,
        ...row,
        state: 'ringing',
        ivr_flow_id: null,
        ivr_menu: null,
        group_id: null,
        agent_id: null,
        agent_leg_id: null,
        bridge_id: null,
        wait_seconds: null,
        talk_seconds: null,
        recording_ref: null,
        disposition: null,
        cause: null,
      })
      .execute();
    await deliver(tenantId, type, normalizeCallSignal(callSignal(row, 'call.started', { from, to: row.to_number }, { hold: true })));
    const stored = await db().selectFrom('calls').select('id').where('provider_call_id', '=', callId).executeTakeFirstOrThrow();
    return { conversation: await conversationOf(tenantId, type, callId), callId: stored.id };
  };

  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'known-acme');
    other = await buildCompany(tc, 'known-other');
    for (const company of [acme, other]) {
      for (const type of ['voice-twilio', 'voice-asterisk', 'whatsapp', 'email', 'web']) {
        const row = await db().insertInto('channels').values({ tenant_id: company.tenantId, type, name: type }).returning('id').executeTakeFirstOrThrow();
        channels[`${company.tenantId}:${type}`] = row.id;
      }
    }
  });
  afterAll(() => tc.stop());

  it('puts a call from +8613800138000 on the contact saved as "+86 138 0013 8000", on Twilio and on Asterisk, and the pop shows that contact', async () => {
    const wang = await addContact(acme, { name: '王芳', phone: '+86 138 0013 8000' });
    // The same number saved in another company is not Acme's customer.
    await addContact(other, { name: 'Somebody else', phone: '+8613800138000' });
    const before = await contactCount(acme.tenantId);

    const twilio = await call(acme.tenantId, 'voice-twilio', 'CA-known-1', '+8613800138000');
    expect(twilio.conversation.contact_id).toBe(wang);
    const asterisk = await call(acme.tenantId, 'voice-asterisk', '1733500000.17', '+8613800138000');
    expect(asterisk.conversation.contact_id).toBe(wang);
    expect(await contactCount(acme.tenantId)).toBe(before);

    const pop = await acme.clients.admin.get(`/api/calls/${asterisk.callId}/pop`);
    expect(pop.status).toBe(200);
    expect(pop.body.contact).toMatchObject({ id: wang, name: '王芳' });
    expect(pop.body.offerCreateContact).toBe(false);
    expect(pop.body.possibleMatches).toEqual([]);
    // Her earlier call on the other phone channel is in her history.
    expect(pop.body.conversations.map((c: { id: string }) => c.id)).toContain(twilio.conversation.id);
  });

  it('puts a WhatsApp number and an e-mail sender on the contact the company has them for (a phone identifier, an e-mail)', async () => {
    const pat = await addContact(acme, { name: 'Pat Doe' });
    expect((await acme.clients.admin.post(`/api/contacts/${pat}/handles`, { kind: 'phone', value: '+1 650-555-1234' })).status).toBe(201);
    const [payload] = whatsappFixture.entry[0].changes[0].value.messages.map((message: unknown) => ({
      message,
      contact: whatsappFixture.entry[0].changes[0].value.contacts[0],
    }));
    const waMessage = await normalizeWhatsApp(payload, {} as ChannelContext<WhatsAppConfig>);
    await deliver(acme.tenantId, 'whatsapp', waMessage);
    expect((await conversationOf(acme.tenantId, 'whatsapp', '')).contact_id).toBe(pat);

    const wangXm = await addContact(acme, { name: '王小明 (VIP)', email: 'Wang@Example.cn' });
    const mailCtx = {
      channel: { id: channels[`${acme.tenantId}:email`], tenantId: acme.tenantId, type: 'email', name: 'Support', publicKey: null },
      config: emailConfig.parse({ fromAddress: 'support@example.test', imapHost: 'h', imapUser: 'u', imapPassword: 'p', smtpHost: 'h' }),
      logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
    } as unknown as ChannelContext<EmailConfig>;
    const [mail] = await normalizeEmail({ uidValidity: '7', uid: 1, folder: 'INBOX', raw: mailFixture.toString('base64') }, mailCtx);
    await deliver(acme.tenantId, 'email', mail!);
    expect((await conversationOf(acme.tenantId, 'email', mail!.threadKey!)).contact_id).toBe(wangXm);
  });

  it('never trusts what a visitor typed: a chat visitor giving a known e-mail gets a record of their own, and that e-mail does not catch the next mail', async () => {
    const known = await addContact(acme, { name: 'Lin', email: 'lin@example.org' });
    await deliver(acme.tenantId, 'web', {
      externalId: 'web-typed-1',
      sender: { externalId: 'v:typed', email: 'lin@example.org' },
      parts: [{ type: 'text', text: 'hi' }],
    });
    const visitor = (await conversationOf(acme.tenantId, 'web', '')).contact_id;
    expect(visitor).not.toBe(known);
    // The visitor typed an address nobody had: the real owner's mail does not land on the visitor.
    await deliver(acme.tenantId, 'web', {
      externalId: 'web-typed-2',
      sender: { externalId: 'v:typed-2', email: 'zhao@example.org' },
      parts: [{ type: 'text', text: 'hi' }],
    });
    const mail: InboundMessage = {
      externalId: 'mail-zhao-1',
      threadKey: 'zhao-1',
      kind: 'email',
      sender: { externalId: 'zhao@example.org', email: 'zhao@example.org', verified: ['email'] },
      parts: [{ type: 'text', text: 'hello' }],
    };
    await deliver(acme.tenantId, 'email', mail);
    const typed = await db().selectFrom('contact_identities').select('contact_id').where('external_id', '=', 'v:typed-2').executeTakeFirstOrThrow();
    expect((await conversationOf(acme.tenantId, 'email', 'zhao-1')).contact_id).not.toBe(typed.contact_id);
  });

  it('does not guess between two contacts with the number: the call gets its own, the pop offers both, one click merges it (and undo splits it again)', async () => {
    const first = await addContact(acme, { name: 'Zhang Wei', phone: '+86 139 0000 0001' });
    const second = await addContact(acme, { name: 'Zhang Wei (shop)', phone: '8613900000001' });
    const placed = await call(acme.tenantId, 'voice-twilio', 'CA-ambiguous-1', '+8613900000001');
    const own = placed.conversation.contact_id;
    expect([first, second]).not.toContain(own);

    const pop = await acme.clients.admin.get(`/api/calls/${placed.callId}/pop`);
    expect(pop.body.contact.id).toBe(own);
    expect(pop.body.possibleMatches.map((m: { id: string }) => m.id).sort()).toEqual([first, second].sort());
    expect(pop.body.possibleMatches.find((m: { id: string }) => m.id === first)).toMatchObject({ name: 'Zhang Wei', phone: '+86 139 0000 0001' });

    const merged = await acme.clients.admin.post(`/api/contacts/${first}/merge`, { sourceId: own });
    expect(merged.status).toBe(200);
    const after = await acme.clients.admin.get(`/api/calls/${placed.callId}/pop`);
    expect(after.body.contact).toMatchObject({ id: first, name: 'Zhang Wei' });
    expect(after.body.possibleMatches.map((m: { id: string }) => m.id)).toEqual([second]);
    expect((await acme.clients.admin.post(`/api/contact-merges/${merged.body.mergeId}/undo`)).status).toBe(200);
    expect((await acme.clients.admin.get(`/api/calls/${placed.callId}/pop`)).body.contact.id).toBe(own);
  });
});
