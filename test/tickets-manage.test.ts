import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCompany, type Company } from './support/console-world.js';
import { startTestConsole, type TestConsole } from './support/console.js';

describe('managing tickets', () => {
  let tc: TestConsole;
  let co: Company;

  beforeAll(async () => {
    tc = await startTestConsole({ env: { SIGN_IN_FREE_FAILURES_PER_IP: '100000' } });
    co = await buildCompany(tc, 'tixm');
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });

  const open = async (subject: string, extra: Record<string, unknown> = {}) =>
    (await co.clients.admin.post('/api/tickets', { requesterId: co.conversations.ungrouped.contactId, subject, ...extra })).body as {
      id: string;
      number: number;
    };

  it('shows an agent who sees only their groups no ticket of another group, in the list, the page or a change', async () => {
    const sales = await open('sales only', { groupId: co.groups.sales });
    const support = await open('support only', { groupId: co.groups.support });
    const listed = async (client: Company['clients']['admin']) => (await client.get('/api/tickets?limit=100')).body.tickets.map((t: { id: string }) => t.id);
    expect(await listed(co.clients.salesAgent)).toContain(sales.id);
    expect(await listed(co.clients.salesAgent)).not.toContain(support.id);
    expect(await listed(co.clients.supportAgent)).not.toContain(sales.id);
    expect((await co.clients.supportAgent.get(`/api/tickets/${sales.id}`)).status).toBe(404);
    expect((await co.clients.supportAgent.patch(`/api/tickets/${sales.id}`, { status: 'open' })).status).toBe(404);
    expect((await co.clients.supportAgent.post(`/api/tickets/${sales.id}/comments`, { body: 'x', public: false })).status).toBe(404);
    const bulk = await co.clients.supportAgent.post('/api/tickets/bulk', { ids: [sales.id, support.id], changes: { priority: 'low' } });
    expect(bulk.body.results).toEqual([
      { id: sales.id, ok: false, error: 'ticket not found' },
      { id: support.id, ok: true },
    ]);
    // The own-only role has no tickets.view: no list at all.
    expect((await co.clients.ownOnly.get('/api/tickets')).status).toBe(403);
  });

  it('refuses to solve a ticket without the fields required when solved, naming each', async () => {
    const admin = co.clients.admin;
    expect((await admin.post('/api/ticket-fields', { key: 'order_no', label: '订单号', type: 'text', requiredOn: ['solved'] })).status).toBe(201);
    expect((await admin.post('/api/ticket-fields', { key: 'channel', label: 'Channel', type: 'multiselect', options: ['web', 'app'] })).status).toBe(201);
    const t = await open('needs an order number');
    const refused = await admin.patch(`/api/tickets/${t.id}`, { status: 'solved' });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ field: 'fields.order_no', message: 'required when the ticket is solved' }]);
    expect((await admin.patch(`/api/tickets/${t.id}`, { fields: { channel: ['fax'] } })).body.issues).toEqual([
      { field: 'fields.channel', message: 'a list of web, app' },
    ]);
    const solved = await admin.patch(`/api/tickets/${t.id}`, { status: 'solved', fields: { order_no: 'A-77', channel: ['web'] } });
    expect(solved.body).toMatchObject({ status: 'solved', fields: { order_no: 'A-77', channel: ['web'] } });
  });

  it('merges one ticket into another: replies and tags move, the merged one closes and points at the other', async () => {
    const admin = co.clients.admin;
    const a = await open('duplicate A', { tags: ['printer'] });
    const b = await open('duplicate B');
    await admin.post(`/api/tickets/${a.id}/comments`, { body: 'note on A', public: false });
    const merged = await admin.post(`/api/tickets/${a.id}/merge`, { targetId: b.id });
    expect(merged.status).toBe(200);
    expect(merged.body.tags).toEqual(['printer']);
    const target = (await admin.get(`/api/tickets/${b.id}`)).body;
    expect(target.comments.map((c: { body: string }) => c.body)).toEqual(
      expect.arrayContaining(['note on A', `Ticket #${a.number} (duplicate A) was merged into this ticket.`]),
    );
    const source = (await admin.get(`/api/tickets/${a.id}`)).body;
    expect(source).toMatchObject({ status: 'closed', mergedIntoId: b.id });
    expect((await admin.patch(`/api/tickets/${a.id}`, { status: 'open' })).status).toBe(409);
    expect((await admin.post(`/api/tickets/${b.id}/merge`, { targetId: b.id })).status).toBe(400);
  });

  it('keeps saved views per agent and shared ones for everyone, and lists by a view’s filters and sort', async () => {
    const agent = co.clients.salesAgent;
    await open('urgent for sales', { groupId: co.groups.sales, priority: 'urgent' });
    const mine = await agent.post('/api/ticket-views', {
      name: 'Urgent',
      filters: { priority: ['urgent'] },
      sort: { field: 'number', direction: 'asc' },
      columns: ['number', 'subject', 'sla'],
    });
    expect(mine.status).toBe(201);
    expect((await agent.post('/api/ticket-views', { name: 'Everyone', shared: true })).status).toBe(403);
    const shared = await co.clients.admin.post('/api/ticket-views', { name: 'All open', shared: true, filters: { status: ['new', 'open'] } });
    expect(shared.status).toBe(201);
    const views = (await co.clients.supportAgent.get('/api/ticket-views')).body.views.map((v: { name: string }) => v.name);
    expect(views).toEqual(['All open']);
    const listed = await agent.get(`/api/tickets?view=${mine.body.id}`);
    expect(listed.body.columns).toEqual(['number', 'subject', 'sla']);
    expect(listed.body.tickets.map((t: { subject: string }) => t.subject)).toEqual(['urgent for sales']);
    expect((await co.clients.supportAgent.get(`/api/tickets?view=${mine.body.id}`)).status).toBe(404);
  });

  it('edits many tickets at once and writes each one’s history', async () => {
    const admin = co.clients.admin;
    const one = await open('bulk one');
    const two = await open('bulk two');
    const result = await admin.post('/api/tickets/bulk', {
      ids: [one.id, two.id],
      changes: { assigneeId: co.users.supportAgent, groupId: co.groups.support, addTags: ['batch'] },
    });
    expect(result.body.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    for (const t of [one, two]) {
      const page = (await co.clients.supportAgent.get(`/api/tickets/${t.id}`)).body;
      expect(page).toMatchObject({ assigneeId: co.users.supportAgent, tags: ['batch'] });
      expect(page.history.map((h: { field: string }) => h.field)).toEqual(expect.arrayContaining(['assignee_id', 'group_id', 'tags']));
    }
  });

  it('changes a field’s label, options and required statuses, for its own company’s admin only', async () => {
    const admin = co.clients.admin;
    const created = await admin.post('/api/ticket-fields', { key: 'product', label: 'Product', type: 'dropdown', options: ['Kettles'] });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const changed = await admin.patch(`/api/ticket-fields/${id}`, { label: 'Product line', options: ['Kettles', 'Toasters'], requiredOn: ['pending'] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ key: 'product', type: 'dropdown', label: 'Product line', options: ['Kettles', 'Toasters'], requiredOn: ['pending'] });
    // The new option is accepted on a ticket, and the field is now required when pending.
    const t = await open('uses the changed field');
    expect((await admin.patch(`/api/tickets/${t.id}`, { status: 'pending' })).body.issues).toContainEqual({
      field: 'fields.product',
      message: 'required when the ticket is pending',
    });
    expect((await admin.patch(`/api/tickets/${t.id}`, { status: 'pending', fields: { product: 'Toasters' } })).body).toMatchObject({
      status: 'pending',
      fields: { product: 'Toasters' },
    });

    const noOptions = await admin.patch(`/api/ticket-fields/${id}`, { options: [] });
    expect(noOptions.status).toBe(400);
    expect(noOptions.body.issues).toEqual([{ field: 'options', message: 'a dropdown or multi-select field needs options' }]);
    expect((await admin.patch(`/api/ticket-fields/${id}`, { type: 'text' })).status).toBe(400);
    expect((await co.clients.salesAgent.patch(`/api/ticket-fields/${id}`, { label: 'Mine' })).status).toBe(403);
    const other = await buildCompany(tc, 'tixm-other');
    expect((await other.clients.admin.patch(`/api/ticket-fields/${id}`, { label: 'Theirs' })).status).toBe(404);
    const fields = (await admin.get('/api/ticket-fields')).body.fields as { key: string; label: string }[];
    expect(fields.find((f) => f.key === 'product')?.label).toBe('Product line');
  });

  it('names the statuses as the company likes, in both languages', async () => {
    const put = await co.clients.admin.put('/api/ticket-statuses', { names: { on_hold: { en: 'Waiting on supplier', zh: '等待供应商' } } });
    expect(put.status).toBe(200);
    expect((await co.clients.salesAgent.get('/api/ticket-statuses')).body.names.on_hold.zh).toBe('等待供应商');
    expect((await co.clients.salesAgent.put('/api/ticket-statuses', { names: {} })).status).toBe(403);
  });
});
