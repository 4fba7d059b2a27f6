import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../test/support/console.js';
import { buildCompany, type Company } from '../../test/support/console-world.js';

describe('contacts: search narrowed by visibility, custom fields, merge, export', () => {
  let tc: TestConsole;
  let acme: Company;
  let globex: Company;
  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
    globex = await buildCompany(tc, 'globex');
  });
  afterAll(() => tc.stop());

  it("searches contacts; an agent limited to their groups finds only their groups' customers", async () => {
    const all = await acme.clients.admin.get('/api/contacts?q=customer');
    expect(all.body.contacts).toHaveLength(4);
    const sales = await acme.clients.salesAgent.get('/api/contacts?q=customer');
    expect(sales.body.contacts.map((c: { id: string }) => c.id).sort()).toEqual(
      [acme.conversations.salesQueued.contactId, acme.conversations.ownOnlyAssigned.contactId].sort(),
    );
    expect((await acme.clients.salesAgent.get(`/api/contacts/${acme.conversations.supportAssigned.contactId}`)).status).toBe(404);
    expect((await acme.clients.admin.get(`/api/contacts/${globex.conversations.salesQueued.contactId}`)).status).toBe(404);
    const byIdentity = await acme.clients.admin.get('/api/contacts?q=acme-ungrouped');
    expect(byIdentity.body.contacts.map((c: { id: string }) => c.id)).toEqual([acme.conversations.ungrouped.contactId]);
    const one = await acme.clients.admin.get(`/api/contacts/${acme.conversations.ungrouped.contactId}`);
    expect(one.body.identities).toEqual([expect.objectContaining({ channelId: acme.channelId, externalId: 'acme-ungrouped', channelType: 'app-api' })]);
    expect(one.body.conversations.map((c: { id: string }) => c.id)).toEqual([acme.conversations.ungrouped.conversationId]);
  });

  it('edits contacts with custom fields checked by type, naming the bad field', async () => {
    const admin = acme.clients.admin;
    expect((await admin.post('/api/custom-fields', { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })).status).toBe(201);
    expect((await admin.post('/api/custom-fields', { key: 'seats', label: 'Seats', type: 'number' })).status).toBe(201);
    expect((await admin.post('/api/custom-fields', { key: 'tier', label: 'Tier', type: 'select' })).body.issues[0].field).toBe('options');
    expect((await acme.clients.salesAgent.post('/api/custom-fields', { key: 'x', label: 'X', type: 'text' })).status).toBe(403);
    const id = acme.conversations.salesQueued.contactId;
    const edited = await acme.clients.salesAgent.patch(`/api/contacts/${id}`, { tags: ['vip'], attributes: { plan: 'pro', seats: 12 } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ tags: ['vip'], attributes: { plan: 'pro', seats: 12 } });
    const bad = await acme.clients.salesAgent.patch(`/api/contacts/${id}`, { attributes: { plan: 'platinum', seats: 'many', colour: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['attributes.colour', 'attributes.plan', 'attributes.seats']);
    // globex has no such fields: acme's fields do not apply there.
    const foreign = await globex.clients.admin.patch(`/api/contacts/${globex.conversations.salesQueued.contactId}`, { attributes: { plan: 'pro' } });
    expect(foreign.body.issues[0].field).toBe('attributes.plan');
  });

  it("merges one customer's identities from different channels into one contact", async () => {
    const db = tc.ctx.database.db;
    const admin = acme.clients.admin;
    const wechat = await db
      .insertInto('channels')
      .values({ tenant_id: acme.tenantId, type: 'wechat', name: 'WeChat' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const other = await db
      .insertInto('contacts')
      .values({ tenant_id: acme.tenantId, name: null, phone: '+86 138 0000 0000', tags: ['wechat'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('contact_identities')
      .values({ tenant_id: acme.tenantId, contact_id: other.id, channel_id: wechat.id, external_id: 'openid-1', display_name: 'Fang' })
      .execute();
    const target = acme.conversations.ungrouped.contactId;
    expect((await acme.clients.salesAgent.post(`/api/contacts/${target}/merge`, { sourceId: other.id })).status).toBe(403);
    expect((await admin.post(`/api/contacts/${target}/merge`, { sourceId: globex.conversations.salesQueued.contactId })).body.issues[0].field).toBe('sourceId');
    const merged = await admin.post(`/api/contacts/${target}/merge`, { sourceId: other.id });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ id: target, phone: '+86 138 0000 0000', tags: ['wechat'] });
    const view = await admin.get(`/api/contacts/${target}`);
    expect(view.body.identities.map((i: { channelType: string }) => i.channelType).sort()).toEqual(['app-api', 'wechat']);
    expect((await admin.get(`/api/contacts/${other.id}`)).status).toBe(404);
  });

  it('exports the contacts the caller may see as CSV, with formulas neutralised', async () => {
    await acme.clients.admin.patch(`/api/contacts/${acme.conversations.salesQueued.contactId}`, { name: '=HYPERLINK("http://evil")' });
    const response = await acme.clients.admin.get('/api/contacts/export');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (response.body as string).trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(response.body).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(response.body).not.toContain('globex');
    expect((await acme.clients.salesAgent.get('/api/contacts/export')).status).toBe(403);
  });
});
