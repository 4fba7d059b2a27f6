import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console.js';
import { buildCompany, type Company } from '../../../test/support/console-world.js';

describe('changing and deleting groups', () => {
  let tc: TestConsole;
  let acme: Company;
  let globex: Company;
  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
    globex = await buildCompany(tc, 'globex');
  });
  afterAll(() => tc.stop());
  const db = () => tc.ctx.database.db;

  it('renames a group and refuses a name another group has', async () => {
    const admin = acme.clients.admin;
    const renamed = await admin.patch(`/api/groups/${acme.groups.sales}`, { name: 'Pre-sales 售前' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Pre-sales 售前');
    const names = (await admin.get('/api/groups')).body.groups.map((g: { name: string }) => g.name);
    expect(names).toContain('Pre-sales 售前');
    expect(names).not.toContain('Sales');
    expect((await admin.patch(`/api/groups/${acme.groups.sales}`, { name: 'Support' })).status).toBe(409);
  });

  it('deletes a group and moves its waiting conversations, open ones, members and rules to the group chosen', async () => {
    const admin = acme.clients.admin;
    const rule = await admin.post('/api/routing-rules', {
      name: 'Quotes',
      conditions: [{ type: 'keyword', anyOf: ['quote'] }],
      actions: { groupId: acme.groups.sales, priority: 5 },
    });
    expect((await admin.delete(`/api/groups/${acme.groups.sales}?moveTo=${globex.groups.support}`)).body.issues[0].field).toBe('moveTo');
    expect((await admin.delete(`/api/groups/${acme.groups.sales}?moveTo=${acme.groups.sales}`)).body.issues[0].field).toBe('moveTo');

    const answer = await admin.delete(`/api/groups/${acme.groups.sales}?moveTo=${acme.groups.support}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ movedTo: acme.groups.support });

    const conversation = (id: string) =>
      db().selectFrom('conversations').select(['group_id', 'status', 'assignee_id']).where('id', '=', id).executeTakeFirstOrThrow();
    // The one that waited in Sales now waits in (or was taken from) Support's line; the assigned one keeps its agent.
    const waited = await conversation(acme.conversations.salesQueued.conversationId);
    expect(waited.group_id).toBe(acme.groups.support);
    expect(waited.status).not.toBe('resolved');
    expect(await conversation(acme.conversations.ownOnlyAssigned.conversationId)).toEqual({
      group_id: acme.groups.support,
      status: 'assigned',
      assignee_id: acme.users.ownOnly,
    });
    // Its members belong to Support now, so they still see the work they saw.
    const members = await db().selectFrom('group_members').select('user_id').where('group_id', '=', acme.groups.support).execute();
    expect(members.map((m) => m.user_id)).toEqual(expect.arrayContaining([acme.users.salesAgent, acme.users.ownOnly, acme.users.supportAgent]));
    const seen = await acme.clients.salesAgent.get(`/api/conversations/${acme.conversations.salesQueued.conversationId}`);
    expect(seen.status).toBe(200);
    const rules = (await admin.get('/api/routing-rules')).body.rules as { id: string; actions: { groupId?: string } }[];
    expect(rules.find((r) => r.id === rule.body.id)?.actions).toEqual({ groupId: acme.groups.support, priority: 5 });
    expect((await admin.get('/api/groups')).body.groups.map((g: { id: string }) => g.id)).not.toContain(acme.groups.sales);
  });

  it('still deletes a group without moving anything', async () => {
    const admin = globex.clients.admin;
    const answer = await admin.delete(`/api/groups/${globex.groups.sales}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ movedTo: null, conversations: 0, members: 0 });
    expect(
      (await db().selectFrom('conversations').select('group_id').where('id', '=', globex.conversations.salesQueued.conversationId).executeTakeFirstOrThrow())
        .group_id,
    ).toBeNull();
  });
});
