import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestConsole, type ApiClient, type TestConsole } from '../../../test/support/console.js';
import { startSmtpServer, tokenFromMail } from '../../../test/support/smtp.js';

describe('agents: invitation, activation, password reset, deactivation, roles', () => {
  let tc: TestConsole;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let admin: ApiClient;
  let agentRoleId: string;
  let adminRoleId: string;
  let groupId: string;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    tc = await startTestConsole({ env: { SMTP_URL: smtp.url, SMTP_FROM: 'Acme Support <support@acme.example>' } });
    ({ admin } = await signUp(tc, 'acme'));
    const roles = (await admin.get('/api/roles')).body.roles as { id: string; name: string }[];
    agentRoleId = roles.find((r) => r.name === 'agent')!.id;
    adminRoleId = roles.find((r) => r.name === 'admin')!.id;
    groupId = (await tc.ctx.database.db.selectFrom('groups').select('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await tc.stop();
    await smtp.close();
  });

  it('invites an agent by e-mail over SMTP; the agent sets a password with the link and signs in', async () => {
    const invited = await admin.post('/api/users', { email: 'Li.Na@acme.example', name: 'Li Na', roleId: agentRoleId, groupIds: [groupId] });
    expect(invited.status).toBe(201);
    expect(invited.body.invitationSent).toBe(true);
    expect(invited.body.user).toMatchObject({ email: 'li.na@acme.example', accountStatus: 'invited', roleId: agentRoleId, groupIds: [groupId] });

    const mail = await smtp.waitForMail('li.na@acme.example');
    expect(mail.subject).toContain('acme Ltd');
    expect(mail.from?.text).toContain('support@acme.example');
    const token = tokenFromMail(mail);
    expect(mail.text).toContain('/t/acme/activate?token=');

    const agent = tc.client('acme');
    expect((await agent.signIn('li.na@acme.example', 'whatever it is')).status).toBe(401);
    const activated = await agent.post('/api/activation', { token, password: 'my own password' });
    expect(activated.status).toBe(200);
    expect(activated.body.user.accountStatus).toBe('active');
    // The link works once.
    expect((await agent.post('/api/activation', { token, password: 'another password' })).status).toBe(400);
    expect((await agent.signIn('li.na@acme.example', 'my own password')).status).toBe(200);
    expect((await agent.get('/api/session')).body.permissions).toContain('conversations.reply');

    const audit = await tc.ctx.database.db.selectFrom('audit_log').select(['action', 'target_id']).where('action', '=', 'user.invited').execute();
    expect(audit).toEqual([{ action: 'user.invited', target_id: invited.body.user.id }]);
  });

  it('refuses an agent without a group, with a role or group of another company, and a duplicate e-mail', async () => {
    const noGroup = await admin.post('/api/users', { email: 'x@acme.example', name: 'X', roleId: agentRoleId, groupIds: [] });
    expect(noGroup.status).toBe(400);
    expect(noGroup.body.issues[0].field).toBe('groupIds');
    const other = await signUp(tc, 'globex');
    const foreignGroup = (await tc.ctx.database.db.selectFrom('groups').select('id').where('tenant_id', '=', other.tenantId).executeTakeFirstOrThrow()).id;
    const foreign = await admin.post('/api/users', { email: 'x@acme.example', name: 'X', roleId: agentRoleId, groupIds: [foreignGroup] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.issues[0].field).toBe('groupIds');
    const foreignRoles = (await other.admin.get('/api/roles')).body.roles as { id: string }[];
    const foreignRole = await admin.post('/api/users', { email: 'x@acme.example', name: 'X', roleId: foreignRoles[0]!.id, groupIds: [groupId] });
    expect(foreignRole.body.issues[0].field).toBe('roleId');
    expect((await admin.post('/api/users', { email: 'LI.NA@acme.example', name: 'Again', roleId: agentRoleId, groupIds: [groupId] })).status).toBe(409);
  });

  it('resets a password by e-mail, signing the user out everywhere, without telling whether an account exists', async () => {
    const agent = tc.client('acme');
    await agent.signIn('li.na@acme.example', 'my own password');
    const anonymous = tc.client('acme');
    const before = smtp.mails.length;
    expect((await anonymous.post('/api/password-reset', { email: 'nobody@acme.example' })).status).toBe(202);
    expect((await anonymous.post('/api/password-reset', { email: 'li.na@acme.example' })).status).toBe(202);
    const mail = await smtp.waitForMail('li.na@acme.example').then(() => smtp.mails.slice(before).find((m) => m.subject?.startsWith('Reset')));
    expect(smtp.mails.length).toBe(before + 1);
    const token = tokenFromMail(mail!);
    expect((await anonymous.post('/api/password-reset/confirm', { token, password: 'short' })).body.issues[0].field).toBe('password');
    expect((await anonymous.post('/api/password-reset/confirm', { token, password: 'a brand new password' })).status).toBe(200);
    expect((await anonymous.post('/api/password-reset/confirm', { token, password: 'a brand new password' })).status).toBe(400);
    expect((await agent.get('/api/session')).status).toBe(401);
    expect((await anonymous.signIn('li.na@acme.example', 'my own password')).status).toBe(401);
    expect((await anonymous.signIn('li.na@acme.example', 'a brand new password')).status).toBe(200);
  });

  it('deactivates an agent (signed out, cannot sign in) and reactivates them; keeps the last admin', async () => {
    const agent = tc.client('acme');
    await agent.signIn('li.na@acme.example', 'a brand new password');
    const me = (await agent.get('/api/session')).body.user;
    expect((await admin.post(`/api/users/${me.id}/deactivate`)).body.accountStatus).toBe('deactivated');
    expect((await agent.get('/api/session')).status).toBe(401);
    expect((await agent.signIn('li.na@acme.example', 'a brand new password')).status).toBe(401);
    expect((await admin.post(`/api/users/${me.id}/reactivate`)).body.accountStatus).toBe('active');
    expect((await agent.signIn('li.na@acme.example', 'a brand new password')).status).toBe(200);

    const self = (await admin.get('/api/session')).body.user;
    expect((await admin.post(`/api/users/${self.id}/deactivate`)).status).toBe(409);
    // Nobody changes their own role (see test/security/escalation.test.ts).
    expect((await admin.patch(`/api/users/${self.id}`, { roleId: agentRoleId })).status).toBe(403);
    expect((await admin.patch(`/api/users/${me.id}`, { roleId: adminRoleId })).body.roleId).toBe(adminRoleId);
    expect((await admin.patch(`/api/users/${me.id}`, { roleId: agentRoleId })).body.roleId).toBe(agentRoleId);
  });

  it('keeps admin routes from agents (403) and anonymous callers (401)', async () => {
    const agent = tc.client('acme');
    await agent.signIn('li.na@acme.example', 'a brand new password');
    expect((await agent.post('/api/users', { email: 'y@acme.example', name: 'Y', roleId: agentRoleId, groupIds: [groupId] })).status).toBe(403);
    expect((await agent.get('/api/roles')).status).toBe(403);
    expect((await tc.client('acme').get('/api/users')).status).toBe(401);
    expect((await agent.get('/api/users')).status).toBe(200); // agents may transfer, so they see colleagues
  });

  it('adds, edits and deletes custom roles; built-in roles stay as they are', async () => {
    const created = await admin.post('/api/roles', { name: 'Supervisor', permissions: ['conversations.view.all', 'reports.view'] });
    expect(created.status).toBe(201);
    expect(created.body.permissions.sort()).toEqual(['conversations.view.all', 'reports.view']);
    const bad = await admin.post('/api/roles', { name: 'Bad', permissions: ['fly.to.moon'] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('permissions.0');
    const edited = await admin.patch(`/api/roles/${created.body.id}`, { permissions: ['conversations.view.group'] });
    expect(edited.body.permissions).toEqual(['conversations.view.group']);
    expect((await admin.patch(`/api/roles/${agentRoleId}`, { permissions: [] })).status).toBe(409);
    expect((await admin.delete(`/api/roles/${adminRoleId}`)).status).toBe(409);
    expect((await admin.delete(`/api/roles/${created.body.id}`)).status).toBe(204);
    expect((await admin.delete(`/api/roles/${created.body.id}`)).status).toBe(404);
    expect((await admin.delete('/api/roles/not-a-uuid')).status).toBe(400);
    const actions = (await tc.ctx.database.db.selectFrom('audit_log').select('action').where('target_type', '=', 'role').orderBy('id').execute()).map(
      (r) => r.action,
    );
    expect(actions).toEqual(['role.created', 'role.updated', 'role.deleted']);
  });
});
