import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../console/server/auth/passwords.js';
import { PERMISSION_NAMES, type Permission } from '../../core/auth/permissions.js';
import { buildCompany, type Company } from '../support/console-world.js';
import { startTestConsole, type ApiClient, type TestConsole } from '../support/console.js';

/**
 * Nobody grants more than they hold, and nobody reaches a customer, conversation or ticket they
 * may not see by naming it in a change. Each attempt is made as an attacker would: a narrow admin
 * signed in through the real console, with real requests.
 */
describe('privilege escalation and hidden objects', () => {
  let tc: TestConsole;
  let co: Company;
  const db = () => tc.ctx.database.db;

  /** A user with a custom role of exactly these permissions, signed in. */
  async function userWithRole(key: string, permissions: Permission[], groupIds: string[]): Promise<{ client: ApiClient; userId: string; roleId: string }> {
    const role = await co.clients.admin.post('/api/roles', { name: `role ${key}`, permissions });
    expect(role.status).toBe(201);
    const email = `${key}@${co.slug}.example`;
    const user = await db()
      .insertInto('users')
      .values({ tenant_id: co.tenantId, email, name: key, role_id: role.body.id, password_hash: await hashPassword('a password 12'), account_status: 'active' })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (groupIds.length)
      await db()
        .insertInto('group_members')
        .values(groupIds.map((g) => ({ tenant_id: co.tenantId, group_id: g, user_id: user.id })))
        .execute();
    const client = tc.client(co.slug);
    expect((await client.signIn(email, 'a password 12')).status).toBe(200);
    return { client, userId: user.id, roleId: role.body.id };
  }

  const roleOf = async (userId: string) => (await db().selectFrom('users').select('role_id').where('id', '=', userId).executeTakeFirstOrThrow()).role_id;

  beforeAll(async () => {
    tc = await startTestConsole({ env: { SIGN_IN_FREE_FAILURES_PER_IP: '100000' } });
    co = await buildCompany(tc, 'escalate');
    // The support customer has a phone number, which a sales agent must never learn.
    await db().updateTable('contacts').set({ phone: '+8613911112222' }).where('id', '=', co.conversations.supportAssigned.contactId).execute();
  }, 120_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it('a role holding admin.agents cannot make itself or anyone an admin, nor demote or lock out those above it', async () => {
    const manager = await userWithRole('manager', ['admin.agents', 'conversations.view.group', 'conversations.reply', 'contacts.view'], [co.groups.sales]);
    const adminRole = co.roles.admin;

    const selfPromotion = await manager.client.patch(`/api/users/${manager.userId}`, { roleId: adminRole });
    expect(selfPromotion.status).toBe(403);
    expect(await roleOf(manager.userId)).toBe(manager.roleId);
    expect((await manager.client.get('/api/session')).body.permissions).not.toContain('admin.roles');

    expect((await manager.client.patch(`/api/users/${co.users.salesAgent}`, { roleId: adminRole })).status).toBe(403);
    expect(await roleOf(co.users.salesAgent)).toBe(co.roles.agent);

    const invited = await manager.client.post('/api/users', {
      email: 'accomplice@escalate.example',
      name: 'Accomplice',
      roleId: adminRole,
      groupIds: [co.groups.sales],
    });
    expect(invited.status).toBe(403);
    expect(await db().selectFrom('users').select('id').where('email', '=', 'accomplice@escalate.example').executeTakeFirst()).toBeUndefined();

    // The admin holds more than the manager: not theirs to demote, deactivate or rename.
    expect((await manager.client.patch(`/api/users/${co.users.admin}`, { roleId: co.roles.ownOnly })).status).toBe(403);
    expect((await manager.client.post(`/api/users/${co.users.admin}/deactivate`)).status).toBe(403);
    expect((await db().selectFrom('users').select('account_status').where('id', '=', co.users.admin).executeTakeFirstOrThrow()).account_status).toBe('active');
    expect(await roleOf(co.users.admin)).toBe(adminRole);

    // Joining every group would show the manager every group's conversations.
    expect((await manager.client.patch(`/api/users/${manager.userId}`, { groupIds: [co.groups.sales, co.groups.support] })).status).toBe(403);

    // Within what they hold, the manager still manages agents.
    const replyOnly = (await co.clients.admin.post('/api/roles', { name: 'Reply only', permissions: ['conversations.view.own', 'conversations.reply'] })).body
      .id;
    const narrowed = await manager.client.patch(`/api/users/${co.users.ownOnly}`, { roleId: replyOnly, groupIds: [co.groups.support] });
    expect(narrowed.status, JSON.stringify(narrowed.body)).toBe(200);
    expect(narrowed.body).toMatchObject({ roleId: replyOnly, groupIds: [co.groups.support] });
    await co.clients.admin.patch(`/api/users/${co.users.ownOnly}`, { roleId: co.roles.ownOnly, groupIds: [co.groups.sales] });
    // The built-in agent holds tickets and calls the manager does not: not theirs to change.
    expect((await manager.client.patch(`/api/users/${co.users.salesAgent}`, { roleId: co.roles.ownOnly })).status).toBe(403);

    // Even one holding everything an admin holds cannot remove the company's last admin.
    const equal = await userWithRole('equal', [...PERMISSION_NAMES], [co.groups.sales]);
    expect((await equal.client.patch(`/api/users/${co.users.admin}`, { roleId: co.roles.agent })).status).toBe(409);
    expect((await equal.client.post(`/api/users/${co.users.admin}/deactivate`)).status).toBe(409);
    expect(await roleOf(co.users.admin)).toBe(adminRole);
  });

  it("a role holding admin.voice cannot make the admin's phone ring at its own number", async () => {
    const operator = await userWithRole('operator', ['admin.voice', 'conversations.view.own', 'conversations.reply'], [co.groups.sales]);
    const hijack = await operator.client.put(`/api/agents/${co.users.admin}/phone`, { mobile: '+8613700000000' });
    expect(hijack.status).toBe(403);
    expect(await db().selectFrom('voice_endpoints').select('mobile').where('user_id', '=', co.users.admin).executeTakeFirst()).toBeUndefined();
    // An agent who holds no more than the operator is still theirs to set up.
    const own = await operator.client.put(`/api/agents/${operator.userId}/phone`, { mobile: '+8613700000001' });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
  });

  it('a role holding admin.roles cannot widen the role it holds, nor make or widen a role beyond itself', async () => {
    const keeper = await userWithRole('keeper', ['admin.roles', 'conversations.view.own', 'conversations.reply'], [co.groups.sales]);

    const widen = await keeper.client.patch(`/api/roles/${keeper.roleId}`, { permissions: ['admin.roles', 'admin.agents', 'conversations.view.all'] });
    expect(widen.status).toBe(403);
    expect((await keeper.client.get('/api/session')).body.permissions).toEqual(expect.not.arrayContaining(['admin.agents']));

    const made = await keeper.client.post('/api/roles', { name: 'Backdoor', permissions: ['admin.agents', 'admin.roles'] });
    expect(made.status).toBe(403);
    expect(made.body.message).toContain('admin.agents');
    expect(await db().selectFrom('roles').select('id').where('tenant_id', '=', co.tenantId).where('name', '=', 'Backdoor').executeTakeFirst()).toBeUndefined();

    expect((await keeper.client.patch(`/api/roles/${co.roles.ownOnly}`, { permissions: ['conversations.view.all'] })).status).toBe(403);
    // The supervisor role sees everything; the keeper sees only their own, so it is above them.
    expect((await keeper.client.patch(`/api/roles/${co.roles.supervisor}`, { permissions: ['conversations.view.own'] })).status).toBe(403);

    // Within what they hold they still make roles.
    const fine = await keeper.client.post('/api/roles', { name: 'Night shift', permissions: ['conversations.view.own', 'conversations.reply'] });
    expect(fine.status).toBe(201);
  });

  it('an API token never carries more than its creator holds', async () => {
    const scripter = await userWithRole('scripter', ['admin.api_tokens', 'contacts.view', 'conversations.view.own'], [co.groups.sales]);
    const token = await scripter.client.post('/api/api-tokens', { name: 'too much', scopes: ['contacts.view', 'admin.agents'] });
    expect(token.status).toBe(403);
    expect(token.body.message).toContain('admin.agents');
    expect(token.body.token).toBeUndefined();
    expect(await db().selectFrom('api_tokens').select('id').where('name', '=', 'too much').executeTakeFirst()).toBeUndefined();
    const enough = await scripter.client.post('/api/api-tokens', { name: 'enough', scopes: ['contacts.view', 'admin.api_tokens'] });
    expect(enough.status).toBe(201);
    // The token acts within its scopes and, at each request, within what its owner still holds.
    const script = tc.client(co.slug);
    script.bearer = enough.body.token;
    expect((await script.get('/api/contacts')).status).toBe(200);
    expect((await script.get('/api/api-tokens')).status).toBe(200);
    await co.clients.admin.patch(`/api/roles/${scripter.roleId}`, { permissions: ['contacts.view', 'conversations.view.own'] });
    expect((await script.get('/api/api-tokens')).status).toBe(403);
    expect((await script.post('/api/api-tokens', { name: 'from the token', scopes: ['contacts.view'] })).status).toBe(403);
  });

  it('a role holding admin.sso cannot set up single sign-on and sign in as the admin through it', async () => {
    const sso = await userWithRole('ssoadmin', ['admin.sso', 'conversations.view.own'], [co.groups.sales]);
    const secret = 'a shared secret the attacker chose, 32+';
    const site = await sso.client.put('/api/sso', { enabled: true, loginUrl: 'https://attacker.example/login', logoutUrl: null, secret });
    expect(site.status).toBe(403);
    expect((await sso.client.put('/api/sso/oidc', { enabled: true, issuer: 'https://idp.attacker.example', clientId: 'x', clientSecret: 'y' })).status).toBe(
      403,
    );

    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ email: `admin@${co.slug}.example` })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti(randomUUID())
      .sign(new TextEncoder().encode(secret));
    const browser = tc.client(co.slug);
    await browser.get(`/api/sso/login?token=${token}&return_to=/`);
    expect((await browser.get('/api/session')).status).toBe(401);
    // The admin, who holds everything, still sets it up.
    expect((await co.clients.admin.put('/api/sso', { enabled: false, loginUrl: null, logoutUrl: null })).status).toBe(200);
  });

  it('a contact import changes only customers the importer may see, by id or by e-mail', async () => {
    const importer = await userWithRole('importer', ['contacts.import', 'contacts.view', 'conversations.view.group'], [co.groups.sales]);
    const hidden = co.conversations.supportAssigned;
    const visible = co.conversations.salesQueued;
    const csv = `id,name\n${hidden.contactId},Renamed by import\n${visible.contactId},Sales customer renamed\n`;
    const finished = async (id: string) => {
      for (let i = 0; i < 200; i++) {
        const job = (await importer.client.get(`/api/contact-imports/${id}`)).body;
        if (job.status === 'done' || job.status === 'failed') return job;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('the import did not finish');
    };
    const byId = await importer.client.upload('/api/contact-imports?name=ids.csv', new TextEncoder().encode(csv), 'text/csv');
    expect(byId.status).toBe(202);
    expect(await finished(byId.body.id)).toMatchObject({ status: 'done', updated: 1, failed: 1 });
    const nameOf = async (id: string) => (await db().selectFrom('contacts').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name;
    expect(await nameOf(hidden.contactId)).toBe(`${co.slug} supportAssigned customer`);
    expect(await nameOf(visible.contactId)).toBe('Sales customer renamed');

    const byEmail = await importer.client.upload(
      '/api/contact-imports?name=emails.csv',
      new TextEncoder().encode(`email,phone\n${co.slug}-supportAssigned@customer.example,+8613000000000\n`),
      'text/csv',
    );
    await finished(byEmail.body.id);
    expect((await db().selectFrom('contacts').select('phone').where('id', '=', hidden.contactId).executeTakeFirstOrThrow()).phone).toBe('+8613911112222');
  });

  it('a callback plan for a customer the caller may not see is a 404 like a missing one, without their phone number', async () => {
    const agent = co.clients.salesAgent;
    const plan = { dueAt: new Date(Date.now() + 3_600_000).toISOString(), note: 'hello' };
    const hidden = await agent.post('/api/callback-plans', { ...plan, contactId: co.conversations.supportAssigned.contactId });
    const missing = await agent.post('/api/callback-plans', { ...plan, contactId: randomUUID() });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    expect(JSON.stringify(hidden.body)).not.toContain('13911112222');
    expect(
      await db().selectFrom('callback_plans').select('id').where('contact_id', '=', co.conversations.supportAssigned.contactId).executeTakeFirst(),
    ).toBeUndefined();
    // The support agent, who may see them, can plan it.
    expect((await co.clients.supportAgent.post('/api/callback-plans', { ...plan, contactId: co.conversations.supportAssigned.contactId })).body.phone).toBe(
      '+8613911112222',
    );
  });

  it('a ticket, note, business record, call-list entry or merge undo naming a hidden customer or conversation answers as for a missing one', async () => {
    const agent = co.clients.salesAgent;
    const hidden = co.conversations.supportAssigned;
    const same = async (make: (id: string) => Promise<{ status: number; body: unknown }>, hiddenId: string) => {
      const [a, b] = await Promise.all([make(hiddenId), make(randomUUID())]);
      expect(a.status, JSON.stringify(a.body)).toBeGreaterThanOrEqual(400);
      expect([a.status, a.body]).toEqual([b.status, b.body]);
      return a;
    };
    const ticketsBefore = (await db().selectFrom('tickets').select('id').where('tenant_id', '=', co.tenantId).execute()).length;
    await same((id) => agent.post('/api/tickets', { subject: 'peek', conversationId: id }), hidden.conversationId);
    await same((id) => agent.post('/api/tickets', { subject: 'peek', requesterId: id }), hidden.contactId);
    expect((await db().selectFrom('tickets').select('id').where('tenant_id', '=', co.tenantId).execute()).length).toBe(ticketsBefore);

    expect(
      (await same((id) => agent.post(`/api/conversations/${id}/messages`, { clientId: randomUUID(), text: 'note', private: true }), hidden.conversationId))
        .status,
    ).toBe(404);
    expect((await same((id) => agent.post(`/api/conversations/${id}/business-records`, { subject: 'peek' }), hidden.conversationId)).status).toBe(404);
    expect((await same((id) => agent.post(`/api/contacts/${id}/notes`, { body: 'peek' }), hidden.contactId)).status).toBe(404);

    // An admin of call lists who sees by group cannot put another group's customer (and number) on a list.
    const dialer = await userWithRole('dialer', ['admin.voice', 'calls.dial', 'conversations.view.group', 'contacts.view'], [co.groups.sales]);
    const task = await dialer.client.post('/api/call-tasks', {
      name: 'Renewals',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      agentIds: [dialer.userId],
    });
    expect(task.status).toBe(201);
    const added = await dialer.client.post(`/api/call-tasks/${task.body.id}/contacts`, { contactIds: [hidden.contactId] });
    expect(added.body).toMatchObject({ added: 0, unknown: [hidden.contactId] });
    expect((await dialer.client.post(`/api/call-tasks/${task.body.id}/next`)).body.target).toBeNull();

    // A merge into a hidden customer cannot be undone by someone who may not see them.
    const extra = await db()
      .insertInto('contacts')
      .values({ tenant_id: co.tenantId, name: 'dup', email: 'dup@customer.example' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const merged = await co.clients.admin.post(`/api/contacts/${hidden.contactId}/merge`, { sourceId: extra.id });
    expect(merged.status).toBe(200);
    const merger = await userWithRole('merger', ['contacts.merge', 'contacts.view', 'conversations.view.group'], [co.groups.sales]);
    await same((id) => merger.client.post(`/api/contact-merges/${id}/undo`), merged.body.mergeId);
    expect((await db().selectFrom('contact_merges').select('undone_at').where('id', '=', merged.body.mergeId).executeTakeFirstOrThrow()).undone_at).toBeNull();
  });
});
