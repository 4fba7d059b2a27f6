import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestConsole, type ApiClient, type TestConsole } from '../../../test/support/console.js';
import { startSmtpServer } from '../../../test/support/smtp.js';

describe('mail without SMTP: the inviting admin gets the link', () => {
  let tc: TestConsole;
  let admin: ApiClient;
  let agentRoleId: string;
  let groupId: string;

  beforeAll(async () => {
    tc = await startTestConsole();
    ({ admin } = await signUp(tc, 'acme'));
    const roles = (await admin.get('/api/roles')).body.roles as { id: string; name: string }[];
    agentRoleId = roles.find((r) => r.name === 'agent')!.id;
    groupId = (await tc.ctx.database.db.selectFrom('groups').select('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(() => tc.stop());

  it('tells admins that e-mail is not set up and where the mail goes', async () => {
    const status = await admin.get('/api/settings/status');
    expect(status.status).toBe(200);
    expect(status.body.mail).toEqual({ configured: false, folder: join(tc.ctx.config.dataDir, 'mail') });
  });

  it('answers the invitation with a link that activates the account; the mail is a file, not "sent"', async () => {
    const invited = await admin.post('/api/users', { email: 'li.na@acme.example', name: 'Li Na', roleId: agentRoleId, groupIds: [groupId] });
    expect(invited.status).toBe(201);
    expect(invited.body.invitationSent).toBe(false);
    const link = new URL(invited.body.invitationLink as string);
    expect(link.pathname).toBe('/t/acme/activate');
    expect(readdirSync(join(tc.ctx.config.dataDir, 'mail'))).toHaveLength(1);

    // A second invitation makes the first link stop working; the new one is the admin's to pass on.
    const again = await admin.post(`/api/users/${invited.body.user.id}/invitation`);
    expect(again.status).toBe(202);
    const token = new URL(again.body.invitationLink as string).searchParams.get('token')!;
    const agent = tc.client('acme');
    expect((await agent.post('/api/activation', { token: link.searchParams.get('token'), password: 'my own password' })).status).toBe(400);
    expect((await agent.post('/api/activation', { token, password: 'my own password' })).status).toBe(200);
    expect((await agent.signIn('li.na@acme.example', 'my own password')).status).toBe(200);
  });

  it('gives the reset link to an admin who starts a reset, never to whoever asks for one', async () => {
    const users = (await admin.get('/api/users')).body.users as { id: string; email: string }[];
    const liNa = users.find((u) => u.email === 'li.na@acme.example')!;
    const anonymous = tc.client('acme');
    const asked = await anonymous.post('/api/password-reset', { email: 'li.na@acme.example' });
    expect(asked.status).toBe(202);
    expect(JSON.stringify(asked.body)).not.toContain('token');

    const agent = tc.client('acme');
    await agent.signIn('li.na@acme.example', 'my own password');
    expect((await agent.post(`/api/users/${liNa.id}/password-reset`)).status).toBe(403);
    expect((await agent.get('/api/settings/status')).status).toBe(403);

    const reset = await admin.post(`/api/users/${liNa.id}/password-reset`);
    expect(reset.status).toBe(202);
    expect(reset.body.mailSent).toBe(false);
    const token = new URL(reset.body.resetLink as string).searchParams.get('token');
    expect((await anonymous.post('/api/password-reset/confirm', { token, password: 'a brand new password' })).status).toBe(200);
    expect((await anonymous.signIn('li.na@acme.example', 'a brand new password')).status).toBe(200);
  });

  it('never gives a link to the account of someone who holds more than the caller', async () => {
    const lead = await admin.post('/api/roles', { name: 'Team lead', permissions: ['admin.agents', 'conversations.view.all'] });
    const invited = await admin.post('/api/users', { email: 'lead@acme.example', name: 'Team Lead', roleId: lead.body.id, groupIds: [groupId] });
    const token = new URL(invited.body.invitationLink as string).searchParams.get('token');
    const client = tc.client('acme');
    await client.post('/api/activation', { token, password: 'lead password!' });
    expect((await client.signIn('lead@acme.example', 'lead password!')).status).toBe(200);
    const adminId = (await admin.get('/api/session')).body.user.id as string;
    const refused = await client.post(`/api/users/${adminId}/password-reset`);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain('token');
    // An invitation may only carry a role the caller holds, so its link grants nothing more either.
    const roles = (await admin.get('/api/roles')).body.roles as { id: string; name: string }[];
    const adminRole = roles.find((r) => r.name === 'admin')!.id;
    expect((await client.post('/api/users', { email: 'boss@acme.example', name: 'Boss', roleId: adminRole, groupIds: [groupId] })).status).toBe(403);
  });
});

describe('mail over SMTP', () => {
  it('says e-mail is set up', async () => {
    const smtp = await startSmtpServer();
    const tc = await startTestConsole({ env: { SMTP_URL: smtp.url } });
    try {
      const { admin } = await signUp(tc, 'acme');
      expect((await admin.get('/api/settings/status')).body.mail).toEqual({ configured: true });
    } finally {
      await tc.stop();
      await smtp.close();
    }
  });
});
