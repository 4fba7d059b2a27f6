import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../core/bus/bus.js';
import { createLogger } from '../core/log/logger.js';
import { eventRoutingKey, type EventEnvelope } from '../core/outbox/outbox.js';
import type { Mail, Mailer } from '../console/server/mail/mailer.js';
import { TranscriptMailer } from '../console/server/mail/transcripts.js';
import { busFactories, eventually, freshDatabase } from './support/services.js';

/** The transcript e-mail of a web chat: once per resolution, however often the event arrives. */
describe('web chat transcript mail', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let bus: Bus;
  let transcripts: TranscriptMailer;
  const sent: Mail[] = [];
  const mailer: Mailer = { delivery: { kind: 'smtp' }, send: async (mail) => void sent.push(mail), close: () => {} };
  let tenantId: string;
  let snapshot: Record<string, unknown>;

  beforeAll(async () => {
    database = await freshDatabase();
    bus = await (busFactories.find((f) => f.name === 'rabbitmq' && f.available) ?? busFactories[0]!).open();
    const db = database.db;
    const tenant = await db
      .insertInto('tenants')
      .values({ slug: `t${Date.now()}`, name: 'Acme' })
      .returning('id')
      .executeTakeFirstOrThrow();
    tenantId = tenant.id;
    const channel = await db
      .insertInto('channels')
      .values({ tenant_id: tenantId, type: 'web', name: 'Website', config: JSON.stringify({ sendTranscript: true }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const contact = await db
      .insertInto('contacts')
      .values({ tenant_id: tenantId, name: 'Li Mei', email: 'li.mei@example.com' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const conversation = await db
      .insertInto('conversations')
      .values({ tenant_id: tenantId, channel_id: channel.id, contact_id: contact.id, status: 'resolved', group_id: null, assignee_id: null, subject: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('messages')
      .values({
        tenant_id: tenantId,
        conversation_id: conversation.id,
        channel_id: channel.id,
        direction: 'in',
        sender_type: 'contact',
        sender_id: contact.id,
        external_id: 'v:1',
        client_id: null,
        private: false,
        content: JSON.stringify([{ type: 'text', text: 'Where is my order?' }]),
        status: 'received',
        error: null,
      })
      .execute();
    snapshot = { id: conversation.id, channelId: channel.id, contactId: contact.id, status: 'resolved', groupId: null, assigneeId: null, priority: 0 };
    transcripts = new TranscriptMailer({ database, bus, logger: createLogger('silent') }, mailer);
    await transcripts.start();
  }, 60_000);

  afterAll(async () => {
    await transcripts?.stop();
    await bus?.close();
    await database?.drop();
  });

  const deliver = (id: string) => {
    const envelope: EventEnvelope = { id, tenantId, kind: 'conversation.resolved', payload: { conversation: snapshot }, at: new Date().toISOString() };
    return bus.publish('events', eventRoutingKey(tenantId, 'conversation.resolved'), envelope);
  };

  it('sends one mail for a resolution delivered twice, and one more for the next resolution', { timeout: 30_000 }, async () => {
    await Promise.all([deliver('9001'), deliver('9001')]);
    await eventually(() => sent.length >= 1, { timeoutMs: 10_000 });
    await deliver('9001');
    // The third copy went through the queue after the first two: a marker event behind it shows when.
    await deliver('9002');
    await eventually(() => sent.length >= 2, { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sent.map((m) => m.to)).toEqual(['li.mei@example.com', 'li.mei@example.com']);
    expect(sent[0]!.text).toContain('Where is my order?');
    const rows = await database.db.selectFrom('transcript_sends').select('event_id').where('tenant_id', '=', tenantId).orderBy('event_id').execute();
    expect(rows.map((r) => r.event_id)).toEqual(['9001', '9002']);
  });
});
