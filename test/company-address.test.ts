import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SurveySender } from '../surveys/sender.js';
import { ApiClient, startTestConsole, type TestConsole } from './support/console.js';
import { buildCompany } from './support/console-world.js';
import { eventually } from './support/services.js';
import { startSmtpServer } from './support/smtp.js';

const ADDRESS = 'http://192.0.2.10:8080';
const FORGED = { host: 'evil.example', 'x-forwarded-host': 'evil.example' };

function signUpBody(slug: string, extra: Record<string, unknown> = {}) {
  return { companyName: `${slug} Ltd`, slug, name: `${slug} admin`, email: `admin@${slug}.example`, password: 'admin password 1', ...extra };
}

/** Signs up with the given extra fields and a forged Host; answers the sign-up and a signed-in admin. */
async function signUpAt(tc: TestConsole, slug: string, extra: Record<string, unknown> = {}) {
  const answer = await new ApiClient(tc.app, undefined, 'header').request('POST', '/api/signup', signUpBody(slug, extra), FORGED);
  expect(answer.status).toBe(201);
  const admin = tc.client(slug);
  await admin.signIn(`admin@${slug}.example`, 'admin password 1');
  return { answer, admin };
}

describe("the company's address in every link (PUBLIC_URL not set)", () => {
  let tc: TestConsole;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    tc = await startTestConsole({ env: { SMTP_URL: smtp.url } });
  });
  afterAll(async () => {
    await tc.stop();
    await smtp.close();
  });

  it('records the address the sign-up page reports and builds invitation, reset and embed links from it, never from the Host header', async () => {
    // Nothing set by the operator: the page is asked for its own address.
    expect((await tc.client().get('/api/signup')).body.publicUrl).toBeNull();
    const { answer, admin } = await signUpAt(tc, 'acme', { publicUrl: `${ADDRESS}/` });
    expect(answer.body.url).toBe(`${ADDRESS}/t/acme`);
    expect((await admin.get('/api/session')).body.address).toEqual({ url: ADDRESS, setBy: 'company', recorded: ADDRESS });

    const group = (await tc.ctx.database.db.selectFrom('groups').select('id').where('name', '=', 'Support').executeTakeFirstOrThrow()).id;
    const roles = (await admin.get('/api/roles')).body.roles as { id: string; name: string }[];
    const invited = await admin.request(
      'POST',
      '/api/users',
      { email: 'li.na@acme.example', name: 'Li Na', roleId: roles.find((r) => r.name === 'agent')!.id, groupIds: [group] },
      FORGED,
    );
    expect(invited.status).toBe(201);
    const invitation = await smtp.waitForMail('li.na@acme.example');
    expect(invitation.text).toContain(`${ADDRESS}/t/acme/activate?token=`);

    const anonymous = tc.client('acme');
    expect((await anonymous.request('POST', '/api/password-reset', { email: 'admin@acme.example' }, FORGED)).status).toBe(202);
    const reset = await smtp.waitForMail('admin@acme.example');
    expect(reset.text).toContain(`${ADDRESS}/t/acme/reset-password?token=`);

    const web = await admin.request('POST', '/api/channels', { type: 'web', name: 'Website', config: {} }, FORGED);
    expect(web.body.channel.webhookUrl).toBe(`${ADDRESS}/hooks/${web.body.channel.id}`);
    expect((await admin.get('/api/channels')).body.channels[0].webhookUrl).toMatch(new RegExp(`^${ADDRESS}/hooks/`));

    for (const text of [answer.body.url, invitation.text, reset.text, JSON.stringify(web.body)]) expect(text).not.toContain('evil.example');
  });

  it('without an address from the page, links fall back to the default and still never take the Host header', async () => {
    const { answer, admin } = await signUpAt(tc, 'bare');
    expect(answer.body.url).toBe('http://localhost:3000/t/bare');
    expect((await admin.get('/api/session')).body.address).toEqual({ url: 'http://localhost:3000', setBy: 'default', recorded: null });
    expect((await tc.client('bare').request('POST', '/api/password-reset', { email: 'admin@bare.example' }, FORGED)).status).toBe(202);
    const reset = await smtp.waitForMail('admin@bare.example');
    expect(reset.text).toContain('http://localhost:3000/t/bare/reset-password?token=');
    expect(reset.text).not.toContain('evil.example');
  });

  it('refuses an address that is not an http(s) origin, naming the field', async () => {
    const anonymous = new ApiClient(tc.app, undefined, 'header');
    for (const publicUrl of ['javascript:alert(1)', 'ftp://files.example', 'https://support.example/path', 'https://user:pw@support.example', 'not a url']) {
      const refused = await anonymous.post('/api/signup', signUpBody('refused', { publicUrl }));
      expect(refused.status, publicUrl).toBe(400);
      expect(refused.body.issues[0].field).toBe('publicUrl');
    }
  });

  it('lets the admin change the address, and links follow at once; an agent may not change it', async () => {
    const { admin } = await signUpAt(tc, 'moving', { publicUrl: 'http://127.0.0.1:3000' });
    const changed = await admin.put('/api/company-address', { url: 'https://help.moving.example' });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ url: 'https://help.moving.example', setBy: 'company', recorded: 'https://help.moving.example' });
    const web = await admin.post('/api/channels', { type: 'web', name: 'Website', config: {} });
    expect(web.body.channel.webhookUrl).toMatch(/^https:\/\/help\.moving\.example\/hooks\//);
    expect((await admin.put('/api/company-address', { url: 'https://help.moving.example/x' })).status).toBe(400);

    const roles = (await admin.get('/api/roles')).body.roles as { id: string; name: string }[];
    const group = (
      await tc.ctx.database.db
        .selectFrom('groups as g')
        .innerJoin('tenants as t', 't.id', 'g.tenant_id')
        .select('g.id')
        .where('t.slug', '=', 'moving')
        .executeTakeFirstOrThrow()
    ).id;
    const agentId = (
      await admin.post('/api/users', { email: 'agent@moving.example', name: 'Agent', roleId: roles.find((r) => r.name === 'agent')!.id, groupIds: [group] })
    ).body.user.id;
    await tc.ctx.database.db
      .updateTable('users')
      .set({
        account_status: 'active',
        password_hash: (
          await tc.ctx.database.db.selectFrom('users').select('password_hash').where('email', '=', 'admin@moving.example').executeTakeFirstOrThrow()
        ).password_hash,
      })
      .where('id', '=', agentId)
      .execute();
    const agent = tc.client('moving');
    expect((await agent.signIn('agent@moving.example', 'admin password 1')).status).toBe(200);
    expect((await agent.put('/api/company-address', { url: 'https://attacker.example' })).status).toBe(403);
    expect((await agent.get('/api/session')).body.address.url).toBe('https://help.moving.example');
  });

  it("sends survey links at the company's address", async () => {
    const company = await buildCompany(tc, 'rated');
    expect((await company.clients.admin.put('/api/company-address', { url: 'https://rate.example' })).status).toBe(200);
    const sender = new SurveySender(tc.ctx);
    await sender.start();
    try {
      const id = company.conversations.supportAssigned.conversationId;
      expect((await company.clients.supportAgent.post(`/api/conversations/${id}/resolve`)).status).toBe(200);
      const text = await eventually(async () => {
        const row = await tc.ctx.database.db
          .selectFrom('messages')
          .select('content')
          .where('conversation_id', '=', id)
          .where('sender_type', '=', 'system')
          .executeTakeFirst();
        if (!row) throw new Error('no survey yet');
        return JSON.stringify(row.content);
      });
      expect(text).toMatch(/https:\/\/rate\.example\/survey\/\S+/);
    } finally {
      await sender.stop();
    }
  });
});

describe('an operator-set PUBLIC_URL wins over the address the page reports', () => {
  let tc: TestConsole;
  beforeAll(async () => {
    tc = await startTestConsole({ env: { PUBLIC_URL: 'https://support.example.com' } });
  });
  afterAll(() => tc.stop());

  it('builds links from PUBLIC_URL and says the operator set it', async () => {
    expect((await tc.client().get('/api/signup')).body).toEqual({ open: true, publicUrl: 'https://support.example.com' });
    const { answer, admin } = await signUpAt(tc, 'ops', { publicUrl: 'http://127.0.0.1:3000' });
    expect(answer.body.url).toBe('https://support.example.com/t/ops');
    expect((await admin.get('/api/session')).body.address).toEqual({
      url: 'https://support.example.com',
      setBy: 'operator',
      recorded: 'http://127.0.0.1:3000',
    });
    const web = await admin.post('/api/channels', { type: 'web', name: 'Website', config: {} });
    expect(web.body.channel.webhookUrl).toMatch(/^https:\/\/support\.example\.com\/hooks\//);
  });
});
