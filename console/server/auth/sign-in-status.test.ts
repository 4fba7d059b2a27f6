import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestConsole, type TestConsole } from '../../../test/support/console.js';
import { Presence } from '../realtime/presence.js';

/** The status an agent starts a sign-in with: the last one kept, or the company's choice. */
describe("an agent's status across sign-ins", () => {
  let tc: TestConsole;
  let company: Awaited<ReturnType<typeof signUp>>;
  let presence: Presence;
  beforeAll(async () => {
    tc = await startTestConsole();
    company = await signUp(tc, 'status-co');
    presence = new Presence(tc.ctx, 'node-1', 60_000);
  }, 60_000);
  afterAll(() => tc?.stop());

  const status = async () =>
    (await tc.ctx.database.db.selectFrom('users').select('agent_status').where('id', '=', company.userId).executeTakeFirstOrThrow()).agent_status;
  /** The console tab opens, then closes (sign-out, or the browser shut): presence sees the agent go. */
  const consoleClosed = async () => {
    const socket = { id: randomUUID(), tenantId: company.tenantId, userId: company.userId };
    await presence.connected(socket);
    await presence.disconnected(socket);
  };
  const signInAgain = async () => {
    const answer = await tc.client('status-co').signIn(company.email, company.password);
    expect(answer.status).toBe(200);
    return answer.body.user.agentStatus as string;
  };
  const consoleOpened = () => presence.connected({ id: randomUUID(), tenantId: company.tenantId, userId: company.userId });

  it('keeps the last status by default: online before signing out, online again after signing in', async () => {
    expect((await company.admin.get('/api/sign-in-settings')).body).toEqual({ twoFactorRequired: false, agentStatusOnSignIn: 'keep' });
    expect((await company.admin.put('/api/agent/status', { status: 'online' })).status).toBe(200);
    await consoleClosed();
    expect(await status()).toBe('away');
    expect(await company.admin.delete('/api/session')).toMatchObject({ status: 200 });
    await signInAgain();
    await consoleOpened();
    expect(await status()).toBe('online');
    // One who chose "busy" is busy again, not online.
    await tc.ctx.database.db.updateTable('users').set({ agent_status: 'busy' }).where('id', '=', company.userId).execute();
    await consoleClosed();
    await signInAgain();
    await consoleOpened();
    expect(await status()).toBe('busy');
  });

  it('starts online when the company says so, and away when it says that, whatever the last status', async () => {
    const admin = tc.client('status-co');
    await admin.signIn(company.email, company.password);
    const saved = await admin.put('/api/sign-in-settings', { agentStatusOnSignIn: 'online' });
    expect(saved.body).toEqual({ twoFactorRequired: false, agentStatusOnSignIn: 'online' });
    await admin.put('/api/agent/status', { status: 'offline' });
    expect(await signInAgain()).toBe('online');
    expect(await status()).toBe('online');

    await admin.put('/api/sign-in-settings', { agentStatusOnSignIn: 'away' });
    await consoleClosed();
    expect(await signInAgain()).toBe('away');
    // Opening the console does not turn an agent the policy set away back online.
    await consoleOpened();
    expect(await status()).toBe('away');
    const audit = await tc.ctx.database.db
      .selectFrom('audit_log')
      .select('details')
      .where('tenant_id', '=', company.tenantId)
      .where('action', '=', 'sign_in.settings_updated')
      .execute();
    expect(audit.map((a) => a.details)).toEqual([{ agentStatusOnSignIn: 'online' }, { agentStatusOnSignIn: 'away' }]);
  });

  it('refuses a policy it does not know, naming the field', async () => {
    const admin = tc.client('status-co');
    await admin.signIn(company.email, company.password);
    const answer = await admin.put('/api/sign-in-settings', { agentStatusOnSignIn: 'dancing' });
    expect(answer.status).toBe(400);
    expect(answer.body.issues[0].field).toBe('agentStatusOnSignIn');
  });
});
