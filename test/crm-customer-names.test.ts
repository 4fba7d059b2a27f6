import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visitorNumber } from '../core/domain/contact-name.js';
import type { ContentPart, InboundEnvelope } from '../core/domain/messages.js';
import { processInbound } from '../router/pipeline/process-batch.js';
import { inboundPipeline } from '../app/pipeline.js';
import { FeedClient, startTestConsole, type TestConsole } from './support/console.js';
import { eventually } from './support/services.js';
import { buildCompany, type Company } from './support/console-world.js';

/**
 * Agents tell customers apart: a customer who gave no name gets a readable one where the contact
 * is made, the inbox list says what was last written and since when the customer waits, and the
 * merge search finds a contact by the name the agent sees and by its identities.
 */
describe('knowing the customer', () => {
  let tc: TestConsole;
  let acme: Company;
  let webId: string;
  let url: string;

  const deliver = (sender: InboundEnvelope['message']['sender'], parts: ContentPart[]) =>
    tc.ctx.database.db.transaction().execute((trx) =>
      processInbound(
        trx,
        [
          {
            version: 1,
            tenantId: acme.tenantId,
            channelId: webId,
            channelType: 'web',
            receivedAt: new Date().toISOString(),
            message: { externalId: randomUUID(), sender, parts },
          },
        ],
        { pipeline: inboundPipeline },
      ),
    );
  const contactOf = async (externalId: string) =>
    tc.ctx.database.db
      .selectFrom('contact_identities as i')
      .innerJoin('contacts as c', 'c.id', 'i.contact_id')
      .select(['c.id', 'c.name'])
      .where('i.channel_id', '=', webId)
      .where('i.external_id', '=', externalId)
      .executeTakeFirstOrThrow();
  type Listed = {
    id: string;
    contact: { id: string; name: string };
    lastMessage: { direction: string; parts: ContentPart[] } | null;
    waitingSince: string | null;
  };
  const listed = async (contactId: string) =>
    ((await acme.clients.admin.get('/api/conversations')).body.conversations as Listed[]).find((c) => c.contact.id === contactId)!;

  beforeAll(async () => {
    tc = await startTestConsole();
    url = await tc.listen();
    acme = await buildCompany(tc, 'acme');
    webId = (
      await tc.ctx.database.db
        .insertInto('channels')
        .values({ tenant_id: acme.tenantId, type: 'web', name: 'Site chat' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => tc.stop());

  it('names a visitor who gave no name "Visitor ####" with the browser, the same number every time; a given name wins', async () => {
    await deliver({ externalId: 'v:anon-1', attributes: { browser: 'Chrome' } }, [{ type: 'text', text: 'hello?' }]);
    await deliver({ externalId: 'v:anon-2' }, [{ type: 'text', text: 'hi' }]);
    await deliver({ externalId: 'v:named', displayName: 'Mei Lin' }, [{ type: 'text', text: 'hi' }]);
    const first = await contactOf('v:anon-1');
    expect(first.name).toBe(`Visitor ${visitorNumber('v:anon-1')} · Chrome`);
    expect(first.name).toMatch(/^Visitor \d{4} · Chrome$/);
    expect((await contactOf('v:anon-2')).name).toMatch(/^Visitor \d{4}$/);
    expect((await contactOf('v:named')).name).toBe('Mei Lin');
    // The API shows the same name everywhere an agent looks.
    expect((await acme.clients.admin.get(`/api/contacts/${first.id}`)).body.name).toBe(first.name);
    expect((await listed(first.id)).contact.name).toBe(first.name);
  });

  it("takes the name a visitor gives later in place of the made-up one, but never over an agent's", async () => {
    await deliver({ externalId: 'v:later' }, [{ type: 'text', text: 'hello' }]);
    const before = await contactOf('v:later');
    expect(before.name).toMatch(/^Visitor \d{4}$/);
    await deliver({ externalId: 'v:later', displayName: 'Zhou Min' }, [{ type: 'text', text: 'I am Zhou Min' }]);
    expect((await contactOf('v:later')).name).toBe('Zhou Min');
    expect((await acme.clients.admin.patch(`/api/contacts/${before.id}`, { name: 'Zhou Min (VIP)' })).status).toBe(200);
    await deliver({ externalId: 'v:later', displayName: 'Min' }, [{ type: 'text', text: 'again' }]);
    expect((await contactOf('v:later')).name).toBe('Zhou Min (VIP)');
  });

  it('lists each conversation with its last message (text shortened, files by kind) and since when the customer waits', async () => {
    await deliver({ externalId: 'v:preview' }, [{ type: 'text', text: `Where is my order? ${'x'.repeat(400)}` }]);
    const contact = await contactOf('v:preview');
    let row = await listed(contact.id);
    expect(row.lastMessage?.direction).toBe('in');
    const text = row.lastMessage?.parts[0] as { type: 'text'; text: string };
    expect(text.text.startsWith('Where is my order? xxx')).toBe(true);
    expect(text.text.length).toBeLessThanOrEqual(160);
    expect(Date.now() - Date.parse(row.waitingSince!)).toBeLessThan(60_000);
    const waitingSince = row.waitingSince;

    await deliver({ externalId: 'v:preview' }, [{ type: 'image', attachmentId: randomUUID(), name: 'photo.png', mimeType: 'image/png', size: 10 }]);
    row = await listed(contact.id);
    expect(row.lastMessage?.parts).toEqual([{ type: 'image', name: 'photo.png' }]);
    expect(row.waitingSince).toBe(waitingSince);

    // An internal note is no answer and no preview; a reply is both.
    expect(
      (await acme.clients.admin.post(`/api/conversations/${row.id}/messages`, { clientId: 'note-1', text: 'VIP, be quick', private: true })).status,
    ).toBeLessThan(300);
    row = await listed(contact.id);
    expect(row.lastMessage?.parts[0]?.type).toBe('image');
    expect(row.waitingSince).toBe(waitingSince);
    // The reply takes the waiting conversation for the admin, who must be online for that.
    expect((await acme.clients.admin.put('/api/agent/status', { status: 'online' })).status).toBe(200);
    expect((await acme.clients.admin.post(`/api/conversations/${row.id}/messages`, { clientId: 'reply-1', text: 'It ships today.' })).status).toBeLessThan(300);
    row = await listed(contact.id);
    expect(row.lastMessage).toMatchObject({ direction: 'out', parts: [{ type: 'text', text: 'It ships today.' }] });
    expect(row.waitingSince).toBeNull();
  });

  it('finds a contact to merge by the visitor name shown, by e-mail, phone and by an identifier', async () => {
    await deliver({ externalId: 'v:merge-me', attributes: { browser: 'Firefox' } }, [{ type: 'text', text: 'again me' }]);
    const contact = await contactOf('v:merge-me');
    const admin = acme.clients.admin;
    const find = async (q: string) => ((await admin.get(`/api/contacts?q=${encodeURIComponent(q)}`)).body.contacts as { id: string }[]).map((c) => c.id);
    expect(await find(`Visitor ${visitorNumber('v:merge-me')}`)).toContain(contact.id);
    expect(await find(contact.name!)).toContain(contact.id);
    expect((await admin.patch(`/api/contacts/${contact.id}`, { email: 'kai@example.com', phone: '+86 138 0000 1111' })).status).toBe(200);
    expect((await admin.post(`/api/contacts/${contact.id}/handles`, { kind: 'app_user', value: 'shop-user-77' })).status).toBe(201);
    expect(await find('kai@example')).toContain(contact.id);
    expect(await find('138 0000')).toContain(contact.id);
    expect(await find('shop-user-77')).toContain(contact.id);
    expect(await find('v:merge-me')).toContain(contact.id);

    // Merged with the customer's named record, the visitor takes the real name, not the made-up one.
    await deliver({ externalId: 'v:merge-named', displayName: 'Kai Chen' }, [{ type: 'text', text: 'it is me, Kai' }]);
    const named = await contactOf('v:merge-named');
    // Two open chats on one channel cannot be merged: the agent resolves one first.
    const open = await tc.ctx.database.db.selectFrom('conversations').select('id').where('contact_id', '=', named.id).executeTakeFirstOrThrow();
    expect((await admin.post(`/api/conversations/${open.id}/resolve`, {})).status).toBeLessThan(300);
    const merged = await admin.post(`/api/contacts/${contact.id}/merge`, { sourceId: named.id });
    expect(merged.status).toBe(200);
    expect(merged.body.name).toBe('Kai Chen');
  });

  it('tells every console that may see the customer about a renamed contact, and no other', async () => {
    const sales = acme.conversations.salesQueued;
    const admin = await FeedClient.open(url, acme.clients.admin);
    const salesAgent = await FeedClient.open(url, acme.clients.salesAgent);
    const supportAgent = await FeedClient.open(url, acme.clients.supportAgent);
    try {
      expect((await acme.clients.admin.patch(`/api/contacts/${sales.contactId}`, { name: 'Zhang Wei' })).status).toBe(200);
      const renamed = (feed: FeedClient) => feed.events('contact.updated').map((e) => e.payload.contact);
      await eventually(() => renamed(admin).length === 1 && renamed(salesAgent).length === 1);
      expect(renamed(salesAgent)).toEqual([expect.objectContaining({ id: sales.contactId, name: 'Zhang Wei' })]);
      await new Promise((r) => setTimeout(r, 200));
      expect(renamed(supportAgent)).toEqual([]);
    } finally {
      for (const feed of [admin, salesAgent, supportAgent]) feed.close();
    }
  });
});
