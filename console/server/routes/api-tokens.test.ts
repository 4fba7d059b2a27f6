import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console.js';
import { buildCompany, type Company } from '../../../test/support/console-world.js';

describe("API tokens, the audit log and the admins' settings", () => {
  let tc: TestConsole;
  let acme: Company;
  let globex: Company;
  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
    globex = await buildCompany(tc, 'globex');
  });
  afterAll(() => tc.stop());

  it('creates a scoped token shown once and stored hashed; it works without cookies or CSRF, only within its scopes and company, until revoked', async () => {
    const created = await acme.clients.admin.post('/api/api-tokens', { name: 'export script', scopes: ['contacts.view', 'contacts.export'] });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^sbt_/);
    const listed = await acme.clients.admin.get('/api/api-tokens');
    expect(JSON.stringify(listed.body)).not.toContain(token);
    const stored = await tc.ctx.database.db.selectFrom('api_tokens').select('token_hash').executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);

    const script = tc.client('acme');
    script.bearer = token;
    expect((await script.get('/api/contacts/export')).status).toBe(200);
    expect((await script.get('/api/conversations')).status).toBe(403);
    expect((await script.post('/api/roles', { name: 'Sneaky', permissions: [] })).status).toBe(403);
    const elsewhere = tc.client('globex');
    elsewhere.bearer = token;
    expect((await elsewhere.get('/api/contacts/export')).status).toBe(401);

    expect((await acme.clients.admin.delete(`/api/api-tokens/${created.body.id}`)).status).toBe(204);
    expect((await script.get('/api/contacts/export')).status).toBe(401);
    expect((await globex.clients.admin.delete(`/api/api-tokens/${created.body.id}`)).status).toBe(404);
  });

  it('lets a token change what its scopes allow, recorded in the audit log as the token', async () => {
    const created = await acme.clients.admin.post('/api/api-tokens', { name: 'provisioning', scopes: ['admin.routing'] });
    const script = tc.client('acme');
    script.bearer = created.body.token;
    const group = await script.post('/api/groups', { name: 'Night shift' });
    expect(group.status).toBe(201);
    const log = await acme.clients.admin.get('/api/audit-log');
    expect(log.body.entries[0]).toMatchObject({
      action: 'group.created',
      actor: { type: 'api_token', id: created.body.id },
      target: { type: 'group', id: group.body.id },
    });
  });

  it('refuses scopes beyond what the creator holds', async () => {
    await acme.clients.admin.patch(`/api/roles/${acme.roles.supervisor}`, { permissions: ['conversations.view.all', 'admin.api_tokens'] });
    const answer = await acme.clients.supervisor.post('/api/api-tokens', { name: 'too much', scopes: ['admin.roles'] });
    expect(answer.status).toBe(403);
    expect(answer.body.message).toContain('admin.roles');

    // Seeing every conversation includes seeing one's groups': a token may be narrowed to that.
    const narrowed = await acme.clients.supervisor.post('/api/api-tokens', { name: 'my groups', scopes: ['conversations.view.group'] });
    expect(narrowed.status).toBe(201);
    const script = tc.client('acme');
    script.bearer = narrowed.body.token;
    const seen = (await script.get('/api/conversations')).body.conversations.map((c: { id: string }) => c.id);
    expect(seen).toContain(acme.conversations.supportAssigned.conversationId);
    expect(seen).not.toContain(acme.conversations.salesQueued.conversationId);
  });

  it('records every admin change in its own company and pages through the log', async () => {
    const admin = acme.clients.admin;
    await admin.post('/api/skills', { name: 'Mandarin' });
    await admin.post('/api/canned-responses', { shortcut: 'hello', title: 'Greeting', body: 'Hello!' });
    const entries: { action: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { entries: { action: string }[]; nextCursor: string | null } } = await admin.get(
        `/api/audit-log?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      entries.push(...page.body.entries);
      cursor = page.body.nextCursor;
    } while (cursor);
    const actions = entries.map((e) => e.action);
    expect(actions.slice(0, 2)).toEqual(['canned_response.created', 'skill.created']);
    expect(actions).toContain('role.created');
    expect(actions).toContain('api_token.revoked');
    const theirs = await globex.clients.admin.get('/api/audit-log?limit=100');
    expect(theirs.body.entries.map((e: { action: string }) => e.action)).not.toContain('skill.created');
    expect((await acme.clients.salesAgent.get('/api/audit-log')).status).toBe(403);
  });

  it('names the people and things of each entry and filters by who, what and when, never across companies', async () => {
    const admin = acme.clients.admin;
    const token = await admin.post('/api/api-tokens', { name: 'CRM sync', scopes: ['contacts.view'] });
    const group = await admin.post('/api/groups', { name: 'VIP desk' });
    await globex.clients.admin.post('/api/groups', { name: 'Globex desk' });
    const adminId = (await admin.get('/api/session')).body.user.id as string;

    const page = await admin.get(`/api/audit-log?limit=100&actorId=${adminId}&kind=api_token`);
    expect(page.body.entries[0].action).toBe('api_token.created');
    expect(page.body.entries.every((e: { action: string; actor: { id: string } }) => e.action.startsWith('api_token.') && e.actor.id === adminId)).toBe(true);
    expect(page.body.names[`user:${adminId}`]).toBeTruthy();
    expect(page.body.names[`api_token:${token.body.id}`]).toBe('CRM sync');

    const groups = await admin.get('/api/audit-log?limit=100&kind=group');
    expect(groups.body.names[`group:${group.body.id}`]).toBe('VIP desk');
    expect(JSON.stringify(groups.body)).not.toContain('Globex desk');

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await admin.get(`/api/audit-log?from=${encodeURIComponent(future)}`)).body.entries).toEqual([]);
    expect((await admin.get(`/api/audit-log?before=${encodeURIComponent(future)}&kind=group`)).body.entries.length).toBeGreaterThan(0);
    expect((await admin.get('/api/audit-log?kind=Robert%27);')).status).toBe(400);
  });

  it('manages groups, skills and canned responses', async () => {
    const admin = acme.clients.admin;
    const skill = (await admin.get('/api/skills')).body.skills[0];
    expect((await admin.put(`/api/users/${acme.users.salesAgent}/skills`, { skills: [{ skillId: skill.id, level: 4 }] })).status).toBe(200);
    expect((await admin.get(`/api/users/${acme.users.salesAgent}/skills`)).body.skills).toEqual([{ skillId: skill.id, level: 4 }]);
    expect((await admin.put(`/api/users/${acme.users.salesAgent}/skills`, { skills: [{ skillId: skill.id, level: 9 }] })).body.issues[0].field).toBe(
      'skills.0.level',
    );
    expect((await admin.post('/api/groups', { name: 'Sales' })).status).toBe(409);
    const groups = (await acme.clients.salesAgent.get('/api/groups')).body.groups;
    expect(groups.find((g: { id: string }) => g.id === acme.groups.sales).memberIds).toContain(acme.users.salesAgent);
    const canned = await acme.clients.salesAgent.get('/api/canned-responses?q=hell');
    expect(canned.body.cannedResponses.map((r: { shortcut: string }) => r.shortcut)).toEqual(['hello']);
    expect((await acme.clients.salesAgent.post('/api/canned-responses', { shortcut: 'x', title: 'x', body: 'x' })).status).toBe(403);
    expect((await globex.clients.salesAgent.get('/api/canned-responses')).body.cannedResponses).toEqual([]);
  });
});
