import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentStore } from '../core/attachments/store.js';
import type { InboundEnvelope } from '../core/domain/messages.js';
import { processInbound } from '../router/pipeline/process-batch.js';
import { inboundPipeline } from '../app/pipeline.js';
import { ARCHIVE_KINDS } from '../console/server/data-rights/export.js';
import { RetentionSweeper } from '../console/server/data-rights/retention.js';
import { startTestConsole, type TestConsole } from './support/console.js';
import { buildCompany, type Company } from './support/console-world.js';

/**
 * A customer asks for everything held about them, then to be forgotten. One of every kind of
 * record is seeded for them (and for a second contact of theirs merged into the first); the
 * archive carries each kind and the file, and after the erasure no table that names a contact
 * — found in the live schema, so a table added later is checked too — holds a row of theirs,
 * no row anywhere holds their words, and the file store no longer has their file.
 */
describe('data rights: the archive of a customer and their erasure', () => {
  let tc: TestConsole;
  let acme: Company;
  let contactId: string;
  let mergedId: string;
  let conversationId: string;
  let filePath: string;
  const marker = `ZQX${randomUUID().slice(0, 8)}`;
  const words = {
    name: `Fang ${marker}`,
    email: `${marker.toLowerCase()}@example.cn`,
    phone: '+86 138 5555 0199',
    text: `退款 ${marker} order`,
    note: `VIP ${marker} note`,
  };

  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'rights');
    const db = tc.ctx.database.db;
    const tenantId = acme.tenantId;
    const admin = acme.clients.admin;
    const channelId = (
      await db.insertInto('channels').values({ tenant_id: tenantId, type: 'web', name: 'Site chat' }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const voiceId = (await db.insertInto('channels').values({ tenant_id: tenantId, type: 'voice', name: 'Hotline' }).returning('id').executeTakeFirstOrThrow())
      .id;
    const file = await new AttachmentStore(db, tc.ctx.config.dataDir).put(tenantId, channelId, {
      owner: 'v:fang',
      name: 'invoice.pdf',
      bytes: Buffer.from(`%PDF-1.4 ${marker}`),
      declaredType: 'application/pdf',
    });
    filePath = join(tc.ctx.config.dataDir, 'attachments', tenantId, file.id);
    const envelope: InboundEnvelope = {
      version: 1,
      tenantId,
      channelId,
      channelType: 'web',
      receivedAt: new Date().toISOString(),
      message: {
        externalId: randomUUID(),
        sender: { externalId: 'v:fang', displayName: words.name, email: words.email },
        parts: [
          { type: 'text', text: words.text },
          { type: 'file', attachmentId: file.id, name: 'invoice.pdf', mimeType: 'application/pdf' },
        ],
      },
    };
    await db.transaction().execute((trx) => processInbound(trx, [envelope], { pipeline: inboundPipeline }));
    const identity = await db
      .selectFrom('contact_identities')
      .select('contact_id')
      .where('channel_id', '=', channelId)
      .where('external_id', '=', 'v:fang')
      .executeTakeFirstOrThrow();
    contactId = identity.contact_id;
    conversationId = (await db.selectFrom('conversations').select('id').where('contact_id', '=', contactId).executeTakeFirstOrThrow()).id;

    expect((await admin.post('/api/custom-fields', { key: 'member_no', label: 'Member number', type: 'text' })).status).toBe(201);
    expect((await admin.patch(`/api/contacts/${contactId}`, { phone: words.phone, attributes: { member_no: marker } })).status).toBe(200);
    expect((await admin.post(`/api/contacts/${contactId}/notes`, { body: words.note })).status).toBe(201);
    expect((await admin.post(`/api/contacts/${contactId}/handles`, { kind: 'app_user', value: `app-${marker}` })).status).toBe(201);
    const ticket = await admin.post('/api/tickets', { subject: `Refund ${marker}`, requesterId: contactId, description: words.text });
    expect(ticket.status).toBe(201);
    expect((await admin.post(`/api/tickets/${ticket.body.id}/comments`, { body: `Checked ${marker}`, public: false })).status).toBe(201);

    // A phone call of theirs, rated, with a business record, a callback plan and a call-list entry.
    const callConversation = (
      await db
        .insertInto('conversations')
        .values({ tenant_id: tenantId, channel_id: voiceId, contact_id: contactId, kind: 'voice', thread_key: 'call-fang', status: 'resolved' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const call = await db
      .insertInto('calls')
      .values({
        tenant_id: tenantId,
        channel_id: voiceId,
        provider_call_id: 'call-fang',
        direction: 'in',
        from_number: words.phone,
        to_number: '+86 400 800 8000',
        recording_ref: `rec-${marker}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('call_events')
      .values({ tenant_id: tenantId, call_id: call.id, kind: 'ringing', detail: JSON.stringify({ from: words.phone }) })
      .execute();
    await sql`INSERT INTO csat_responses (tenant_id, conversation_id, rating, comment, via, channel_id) VALUES (${tenantId}, ${callConversation}, 5, ${`great ${marker}`}, 'web', ${voiceId})`.execute(
      db,
    );
    await db
      .insertInto('business_records')
      .values({ tenant_id: tenantId, conversation_id: callConversation, call_id: call.id, contact_id: contactId, subject: `Record ${marker}`, body: marker })
      .execute();
    await db
      .insertInto('callback_plans')
      .values({
        tenant_id: tenantId,
        contact_id: contactId,
        phone: words.phone,
        agent_id: acme.users.admin,
        due_at: new Date(Date.now() + 86_400_000),
        note: marker,
      })
      .execute();
    const task = await db
      .insertInto('call_tasks')
      .values({ tenant_id: tenantId, name: 'Renewals', starts_at: new Date(), ends_at: new Date(Date.now() + 86_400_000) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('call_task_targets')
      .values({ tenant_id: tenantId, task_id: task.id, position: 1, name: words.name, phone: words.phone, contact_id: contactId })
      .execute();

    // A second record of the same person, merged in (kept hidden so the merge can be undone).
    mergedId = (await admin.post('/api/contacts', { name: `${words.name} (mail)`, email: `second-${words.email}` })).body.id;
    expect((await admin.post(`/api/contacts/${mergedId}/notes`, { body: `older ${marker}` })).status).toBe(201);
    expect((await admin.post(`/api/contacts/${contactId}/merge`, { sourceId: mergedId })).status).toBe(200);

    // A company webhook told the company's backend about the customer's message: its delivery log
    // holds the same words.
    const hook = await db
      .insertInto('company_webhooks')
      .values({ tenant_id: tenantId, name: 'CRM sync', url: 'https://crm.example.com/hooks', events: ['message.created'], secret: 'sealed' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('company_webhook_deliveries')
      .values({
        tenant_id: tenantId,
        webhook_id: hook.id,
        event_id: '1',
        kind: 'message.created',
        body: JSON.stringify({ contactId, text: words.text }),
        status: 'delivered',
        last_status_code: null,
        last_error: null,
      })
      .execute();
  });
  afterAll(() => tc.stop());

  it('exports every kind of record held about the customer, and the file, as one zip', async () => {
    const answer = await acme.clients.admin.download(`/api/contacts/${contactId}/archive`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/zip');
    const entries = unzipSync(new Uint8Array(answer.bytes));
    const kinds = Object.fromEntries(ARCHIVE_KINDS.map((k) => [k, JSON.parse(strFromU8(entries[`${k}.json`]!)) as Record<string, unknown>[]]));
    for (const kind of ARCHIVE_KINDS) expect(kinds[kind]!.length, kind).toBeGreaterThan(0);
    expect(kinds.contact!.map((c) => c.id).sort()).toEqual([contactId, mergedId].sort());
    expect(JSON.stringify(kinds.messages)).toContain(words.text);
    expect(kinds.custom_fields).toEqual([{ key: 'member_no', label: 'Member number', type: 'text', value: marker }]);
    expect(kinds.calls![0]).toMatchObject({ from_number: words.phone, recording_ref: `rec-${marker}` });
    const filed = kinds.files![0] as { path: string };
    expect(strFromU8(entries[filed.path]!)).toBe(`%PDF-1.4 ${marker}`);
    expect(JSON.parse(strFromU8(entries['manifest.json']!))).toMatchObject({ contactId, counts: { messages: 1, files: 1 } });
  });

  it('keeps the archive and the erasure from those without the permission or without sight of every conversation', async () => {
    expect((await acme.clients.supervisor.download(`/api/contacts/${contactId}/archive`)).status).toBe(403);
    expect((await acme.clients.supportAgent.post(`/api/contacts/${contactId}/erase`, {})).status).toBe(403);
    // A role may not be handed a permission its maker lacks.
    const limited = await acme.clients.admin.post('/api/roles', { name: 'Exporter', permissions: ['contacts.view', 'contacts.export'] });
    expect(limited.status).toBe(201);
  });

  it('retention removes resolved conversations and files past their days, never open ones, and reports what it removed', async () => {
    const db = tc.ctx.database.db;
    const admin = acme.clients.admin;
    const tenantId = acme.tenantId;
    const store = new AttachmentStore(db, tc.ctx.config.dataDir);
    const channelId = acme.channelId;
    const contact = (await admin.post('/api/contacts', { name: 'Retention customer' })).body.id as string;
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
    const seed = async (status: 'resolved' | 'open', lastActivity: Date, fileAge: Date, key: string) => {
      const file = await store.put(tenantId, channelId, { owner: 'agent:x', name: `${key}.txt`, bytes: Buffer.from(key), declaredType: 'text/plain' });
      await db.updateTable('attachments').set({ created_at: fileAge }).where('id', '=', file.id).execute();
      const conversation = await db
        .insertInto('conversations')
        .values({
          tenant_id: tenantId,
          channel_id: channelId,
          contact_id: contact,
          thread_key: key,
          status,
          resolved_at: status === 'resolved' ? lastActivity : null,
          last_message_at: lastActivity,
          updated_at: lastActivity,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('messages')
        .values({
          tenant_id: tenantId,
          conversation_id: conversation.id,
          channel_id: channelId,
          direction: 'in',
          sender_type: 'contact',
          sender_id: contact,
          content: JSON.stringify([{ type: 'file', attachmentId: file.id, name: `${key}.txt` }]),
        })
        .execute();
      return { conversation: conversation.id, path: join(tc.ctx.config.dataDir, 'attachments', tenantId, file.id) };
    };
    const oldResolved = await seed('resolved', daysAgo(400), daysAgo(400), 'old-resolved');
    const oldOpen = await seed('open', daysAgo(400), daysAgo(400), 'old-open');
    const recentResolvedOldFile = await seed('resolved', daysAgo(5), daysAgo(100), 'recent-resolved');

    expect((await acme.clients.supportAgent.put('/api/retention', { conversationDays: 1, fileDays: 1 })).status).toBe(403);
    expect((await admin.put('/api/retention', { conversationDays: 0, fileDays: null })).status).toBe(400);
    expect((await admin.put('/api/retention', { conversationDays: 365, fileDays: 90 })).status).toBe(200);
    const run = await admin.post('/api/retention/run', {});
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ conversationDays: 365, fileDays: 90, conversationsRemoved: 1, messagesRemoved: 1, filesRemoved: 2, error: null });

    const left = (await db.selectFrom('conversations').select('id').where('contact_id', '=', contact).execute()).map((c) => c.id).sort();
    expect(left).toEqual([oldOpen.conversation, recentResolvedOldFile.conversation].sort());
    expect(existsSync(oldResolved.path)).toBe(false);
    expect(existsSync(recentResolvedOldFile.path)).toBe(false);
    expect(existsSync(oldOpen.path)).toBe(true);
    // The message of a removed file keeps its name, without the file.
    const kept = await db.selectFrom('messages').select('content').where('conversation_id', '=', recentResolvedOldFile.conversation).executeTakeFirstOrThrow();
    expect(kept.content).toEqual([{ type: 'file', name: 'recent-resolved.txt' }]);
    const page = (await admin.get('/api/retention')).body;
    expect(page).toMatchObject({
      conversationDays: 365,
      fileDays: 90,
      runs: [expect.objectContaining({ id: run.body.id, conversationsRemoved: 1, filesRemoved: 2 })],
    });
    expect(page.nextRunAt).toEqual(expect.any(String));

    // The daily run: due once its time has come, then a day later.
    const sweeper = new RetentionSweeper({
      db,
      dataDir: tc.ctx.config.dataDir,
      warn: (e) => {
        throw e;
      },
    });
    expect(await sweeper.runDue()).toBe(0);
    await db
      .updateTable('retention_policies')
      .set({ next_run_at: daysAgo(1) })
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(await sweeper.runDue()).toBe(1);
    const scheduled = (await admin.get('/api/retention')).body;
    expect(scheduled.runs[0]).toMatchObject({ startedBy: null, conversationsRemoved: 0, filesRemoved: 0, error: null });
    expect(new Date(scheduled.nextRunAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });

  it('erases the customer: no table naming a contact keeps a row of theirs, no row keeps their words, the file is gone, the audit log says who did it', async () => {
    const admin = acme.clients.admin;
    const db = tc.ctx.database.db;
    const open = await admin.post(`/api/contacts/${contactId}/erase`, {});
    expect(open.status).toBe(409);
    await db.updateTable('conversations').set({ status: 'resolved', resolved_at: new Date() }).where('id', '=', conversationId).execute();
    const erased = await admin.post(`/api/contacts/${contactId}/erase`, {});
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toMatchObject({ contacts: 2, conversations: 2, messages: 1, files: 1, tickets: 1, calls: 1 });

    // Every column that names a contact, wherever it is.
    const columns = await sql<{ table_name: string; column_name: string }>`
      SELECT c.table_name, c.column_name FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = 'public' AND (c.column_name LIKE '%contact%' OR c.column_name IN ('requester_id', 'source_id', 'target_id'))`.execute(db);
    expect(columns.rows.length).toBeGreaterThan(8);
    for (const { table_name, column_name } of columns.rows) {
      // The audit log keeps that the erasure happened, naming the erased record's id.
      if (table_name === 'audit_log') continue;
      const left = await sql<{
        n: string;
      }>`SELECT count(*) AS n FROM ${sql.table(table_name)} WHERE ${sql.ref(column_name)}::text IN (${contactId}, ${mergedId})`.execute(db);
      expect(Number(left.rows[0]!.n), `${table_name}.${column_name}`).toBe(0);
    }
    // Their words, anywhere in the database (the audit log's own entries only name the contact's id).
    const tables = await sql<{
      table_name: string;
    }>`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(db);
    for (const { table_name } of tables.rows) {
      for (const needle of [marker, marker.toLowerCase(), '138 5555 0199', conversationId]) {
        const found = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table_name)} r WHERE strpos(r::text, ${needle}) > 0`.execute(db);
        expect(Number(found.rows[0]!.n), `${table_name} holds ${needle}`).toBe(0);
      }
      if (table_name !== 'audit_log') {
        const named = await sql<{
          n: string;
        }>`SELECT count(*) AS n FROM ${sql.table(table_name)} r WHERE strpos(r::text, ${contactId}) > 0 OR strpos(r::text, ${mergedId}) > 0`.execute(db);
        expect(Number(named.rows[0]!.n), `${table_name} names the contact`).toBe(0);
      }
    }
    expect(existsSync(filePath)).toBe(false);
    // The call stays for the statistics, without their number or recording.
    expect(await db.selectFrom('calls').select(['from_number', 'recording_ref']).where('provider_call_id', '=', 'call-fang').executeTakeFirstOrThrow()).toEqual(
      { from_number: '', recording_ref: null },
    );

    const log = await db
      .selectFrom('audit_log')
      .select(['action', 'actor_id', 'details'])
      .where('target_id', '=', contactId)
      .where('action', '=', 'contact.erased')
      .executeTakeFirstOrThrow();
    expect(log).toMatchObject({ actor_id: acme.users.admin, details: { contacts: 2, messages: 1 } });
    expect((await admin.get(`/api/contacts/${contactId}`)).status).toBe(404);
  });
});
