import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../console/server/auth/passwords.js';
import { startOidcProvider } from '../fakes/oidc-provider.js';
import { signUp, startTestConsole, type ApiClient, type TestConsole } from '../support/console.js';

/**
 * Sign-in as an attacker tries it: parallel guesses, guesses meant to lock the owner out, a
 * forged X-Forwarded-For, an identity provider that never checked the e-mail, a stolen cookie
 * kept busy, and the second step of two-factor sign-in.
 */
describe('sign-in under attack', () => {
  let tc: TestConsole;
  let owner: { email: string; password: string; admin: ApiClient };
  beforeAll(async () => {
    tc = await startTestConsole({ env: { SIGN_IN_FREE_FAILURES: '5', SIGN_IN_FREE_FAILURES_PER_IP: '10' } });
    owner = await signUp(tc, 'acme');
  });
  afterAll(() => tc.stop());

  it('evaluates at most the free attempts of 16 parallel wrong guesses; the rest wait (429, Retry-After)', async () => {
    const guesser = tc.client('acme');
    guesser.ip = '198.51.100.16';
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => guesser.request('POST', '/api/session', { email: owner.email, password: `guess ${i}` }, {}, true)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401).every((s) => s === 429)).toBe(true);
    expect(Number(answers.find((a) => a.status === 429)!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('doubles the wait with each failure past the free ones, instead of a fixed lock', async () => {
    const guesser = tc.client('acme');
    guesser.ip = '198.51.100.33';
    for (let i = 0; i < 5; i++) expect((await guesser.signIn('nobody@acme.example', `guess ${i}`)).status).toBe(401);
    const waits: number[] = [];
    for (let round = 0; round < 3; round++) {
      const refused = await guesser.signIn('nobody@acme.example', 'another guess');
      expect(refused.status).toBe(429);
      waits.push(Number(refused.headers.get('retry-after')));
      // Let the wait pass, as a patient guesser would, and guess again.
      await tc.ctx.database.db
        .updateTable('sign_in_delays')
        .set({ retry_at: new Date(Date.now() - 1000) })
        .where('key', 'like', '%198.51.100.33')
        .execute();
      expect((await guesser.signIn('nobody@acme.example', `late guess ${round}`)).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4]);
  });

  it("does not let a stranger's failures from another address stop the owner signing in", async () => {
    const stranger = tc.client('acme');
    stranger.ip = '198.51.100.66';
    for (let i = 0; i < 8; i++) await stranger.signIn(owner.email, `not it ${i}`);
    expect((await stranger.signIn(owner.email, owner.password)).status).toBe(429);
    const self = tc.client('acme');
    self.ip = '192.0.2.10';
    expect((await self.signIn(owner.email, owner.password)).status).toBe(200);
  });

  it('behind TRUST_PROXY counts the address the proxy added, whatever first hop the client forges', async () => {
    const scanner = tc.client('acme');
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const forged = `10.${i}.${i}.1, 198.51.100.70`;
      statuses.push(
        (await scanner.request('POST', '/api/session', { email: `guess${i}@acme.example`, password: 'whatever' }, { 'x-forwarded-for': forged })).status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toContain(429);
  });

  it('ends a session past SESSION_MAX_HOURS even while it is in use', async () => {
    const { admin: agent, tenantId } = await signUp(tc, 'aged');
    expect((await agent.get('/api/session')).status).toBe(200);
    // Opened eight days ago and used a moment ago: busy, but older than the default seven days.
    await tc.ctx.database.db
      .updateTable('sessions')
      .set({ created_at: new Date(Date.now() - 8 * 24 * 3_600_000), last_seen_at: new Date(), expires_at: new Date(Date.now() + 3_600_000) })
      .where('tenant_id', '=', tenantId)
      .execute();
    expect((await agent.get('/api/session')).status).toBe(401);
  });
});

describe('OpenID Connect e-mail verification', () => {
  let tc: TestConsole;
  let provider: Awaited<ReturnType<typeof startOidcProvider>>;
  beforeAll(async () => {
    provider = await startOidcProvider();
    tc = await startTestConsole();
    const { admin } = await signUp(tc, 'acme');
    expect((await admin.put('/api/sso/oidc', { enabled: true, issuer: provider.issuer, clientId: 'switchboard', clientSecret: 'client secret' })).status).toBe(
      200,
    );
  });
  afterAll(async () => {
    await tc.stop();
    await provider.close();
  });

  async function signInThroughProvider(claims: Record<string, unknown>) {
    const start = await tc.app.request('/api/sso/oidc/start', { headers: { 'x-switchboard-tenant': 'acme' } });
    const target = new URL(start.headers.get('location')!);
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const code = provider.grant('admin@acme.example', target.searchParams.get('nonce')!, undefined, claims);
    return tc.app.request(`/api/sso/oidc/callback?code=${code}&state=${target.searchParams.get('state')}`, {
      headers: { 'x-switchboard-tenant': 'acme', cookie },
    });
  }

  it('refuses an ID token that does not say email_verified: true', async () => {
    const without = await signInThroughProvider({ email_verified: undefined });
    expect(without.status).toBe(401);
    expect(without.headers.getSetCookie().some((c) => c.startsWith('sb_session=') && !/sb_session=;/.test(c))).toBe(false);
    expect((await signInThroughProvider({ email_verified: 'true' })).status).toBe(401);
    expect((await signInThroughProvider({ email_verified: false })).status).toBe(401);
    expect((await signInThroughProvider({ email_verified: true })).status).toBe(302);
  });
});

/** The code an authenticator app shows `steps` periods from now. */
const codeAt = (secret: string, steps = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + steps * 30_000 });

describe('two-factor sign-in', () => {
  let tc: TestConsole;
  let company: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    tc = await startTestConsole({ env: { SIGN_IN_FREE_FAILURES: '5', SIGN_IN_FREE_FAILURES_PER_IP: '1000' } });
    company = await signUp(tc, 'vault');
  });
  afterAll(() => tc.stop());

  async function addAgent(email: string) {
    const db = tc.ctx.database.db;
    const role = await db.selectFrom('roles').select('id').where('tenant_id', '=', company.tenantId).where('name', '=', 'agent').executeTakeFirstOrThrow();
    await db
      .insertInto('users')
      .values({
        tenant_id: company.tenantId,
        email,
        name: email,
        role_id: role.id,
        password_hash: await hashPassword('agent password 1'),
        account_status: 'active',
      })
      .execute();
    const agent = tc.client('vault');
    agent.ip = `192.0.2.${Math.floor(Math.random() * 200) + 20}`;
    return agent;
  }

  const hasSessionCookie = (answer: { headers: Headers }) => answer.headers.getSetCookie().some((c) => /^sb_session=[^;]+/.test(c));

  async function enrol(client: ApiClient) {
    const started = await client.post('/api/me/two-factor/enrolment');
    expect(started.status).toBe(200);
    const confirmed = await client.post('/api/me/two-factor/enrolment/confirm', { code: codeAt(started.body.secret, -1) });
    expect(confirmed.status).toBe(200);
    return { secret: started.body.secret as string, recoveryCodes: confirmed.body.recoveryCodes as string[] };
  }

  it('enrols from the profile with a confirming code; the secret is sealed at rest and never shown again', async () => {
    const ada = await addAgent('ada@vault.example');
    expect((await ada.signIn('ada@vault.example', 'agent password 1')).status).toBe(200);
    const started = await ada.post('/api/me/two-factor/enrolment');
    expect(started.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(started.body.qrSvg).toMatch(/^<svg/);
    // Not on until a code proves the app has it.
    expect((await ada.get('/api/me/two-factor')).body.enabled).toBe(false);
    expect((await ada.post('/api/me/two-factor/enrolment/confirm', { code: codeAt(started.body.secret, 5) })).status).toBe(400);
    const confirmed = await ada.post('/api/me/two-factor/enrolment/confirm', { code: codeAt(started.body.secret) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    const state = await ada.get('/api/me/two-factor');
    expect(state.body).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    expect(JSON.stringify(state.body)).not.toContain(started.body.secret);
    expect((await ada.post('/api/me/two-factor/enrolment')).status).toBe(409);
    const stored = await tc.ctx.database.db.selectFrom('user_two_factor').select('secret').where('tenant_id', '=', company.tenantId).execute();
    expect(stored.map((r) => r.secret).join()).not.toContain(started.body.secret);
    const codes = await tc.ctx.database.db.selectFrom('two_factor_recovery_codes').select('code_hash').where('tenant_id', '=', company.tenantId).execute();
    expect(codes.map((r) => r.code_hash).join()).not.toContain(confirmed.body.recoveryCodes[0].replace('-', ''));
  });

  it('then signs in only with a code: a wrong one and a replayed one are refused, a recovery code works once', async () => {
    const bo = await addAgent('bo@vault.example');
    await bo.signIn('bo@vault.example', 'agent password 1');
    const { secret, recoveryCodes } = await enrol(bo);

    const fresh = tc.client('vault');
    fresh.ip = '192.0.2.250';
    const first = await fresh.signIn('bo@vault.example', 'agent password 1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ twoFactor: 'code' });
    expect(first.body.user).toBeUndefined();
    expect(hasSessionCookie(first)).toBe(false);
    expect((await fresh.get('/api/session')).status).toBe(401);

    const wrong = String((Number(codeAt(secret)) + 1) % 1_000_000).padStart(6, '0');
    expect((await fresh.post('/api/session/two-factor', { challenge: first.body.challenge, code: wrong })).status).toBe(401);
    const code = codeAt(secret);
    const passed = await fresh.post('/api/session/two-factor', { challenge: first.body.challenge, code });
    expect(passed.status).toBe(200);
    expect(hasSessionCookie(passed)).toBe(true);
    expect((await fresh.get('/api/session')).body.user.email).toBe('bo@vault.example');

    // The same code again, within its 30 seconds, in a new sign-in: refused.
    const second = await tc.client('vault').signIn('bo@vault.example', 'agent password 1');
    expect((await fresh.post('/api/session/two-factor', { challenge: second.body.challenge, code })).status).toBe(401);
    // A finished challenge opens nothing more.
    expect((await fresh.post('/api/session/two-factor', { challenge: first.body.challenge, recoveryCode: recoveryCodes[1] })).status).toBe(401);

    expect((await fresh.post('/api/session/two-factor', { challenge: second.body.challenge, recoveryCode: recoveryCodes[0] })).status).toBe(200);
    const third = await tc.client('vault').signIn('bo@vault.example', 'agent password 1');
    expect((await fresh.post('/api/session/two-factor', { challenge: third.body.challenge, recoveryCode: recoveryCodes[0] })).status).toBe(401);
    const last = await fresh.post('/api/session/two-factor', { challenge: third.body.challenge, recoveryCode: recoveryCodes[1]!.toLowerCase() });
    expect(last.status).toBe(200);
    expect(last.body.recoveryCodesLeft).toBe(8);
  });

  it('throttles the second step like the first: of 16 parallel codes at most the free ones are checked', async () => {
    const cy = await addAgent('cy@vault.example');
    await cy.signIn('cy@vault.example', 'agent password 1');
    await enrol(cy);
    const challenge = (await tc.client('vault').signIn('cy@vault.example', 'agent password 1')).body.challenge;
    const guesser = tc.client('vault');
    guesser.ip = '198.51.100.200';
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => guesser.request('POST', '/api/session/two-factor', { challenge, code: String(100000 + i) }, {}, true)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses).toContain(429);
  });

  it('makes users of a company that requires it set it up at their next sign-in before they get a session', async () => {
    const di = await addAgent('di@vault.example');
    expect((await company.admin.put('/api/sign-in-settings', { twoFactorRequired: true })).status).toBe(200);
    const first = await di.signIn('di@vault.example', 'agent password 1');
    expect(first.body).toMatchObject({ twoFactor: 'enrol' });
    expect(hasSessionCookie(first)).toBe(false);
    expect((await di.get('/api/session')).status).toBe(401);
    // The enrolment challenge is not a way past the code step.
    expect((await di.post('/api/session/two-factor', { challenge: first.body.challenge, code: '123456' })).status).toBe(401);
    const started = await di.post('/api/session/two-factor/enrolment', { challenge: first.body.challenge });
    expect(started.status).toBe(200);
    const confirmed = await di.post('/api/session/two-factor/enrolment/confirm', { challenge: first.body.challenge, code: codeAt(started.body.secret) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(hasSessionCookie(confirmed)).toBe(true);
    const session = await di.get('/api/session');
    expect(session.body.twoFactor).toMatchObject({ enabled: true, required: true });
    // Required: it cannot be turned off, only reset by an admin.
    expect((await di.post('/api/me/two-factor/disable', { code: codeAt(started.body.secret, 1) })).status).toBe(409);

    const reset = await company.admin.delete(`/api/users/${session.body.user.id}/two-factor`);
    expect(reset.status).toBe(200);
    expect((await di.get('/api/session')).status).toBe(401);
    const audited = await company.admin.get('/api/audit-log');
    expect(audited.body.entries.map((e: { action: string }) => e.action)).toContain('user.two_factor_reset');
    expect((await di.signIn('di@vault.example', 'agent password 1')).body.twoFactor).toBe('enrol');
    expect((await company.admin.put('/api/sign-in-settings', { twoFactorRequired: false })).status).toBe(200);
  });

  it('leaves API tokens working, and lets no token change the second step', async () => {
    const { secret } = await enrol(company.admin);
    const token = await company.admin.post('/api/api-tokens', { name: 'script', scopes: ['conversations.view.all'] });
    expect(token.status).toBe(201);
    const script = tc.client('vault');
    script.bearer = token.body.token;
    expect((await script.get('/api/conversations')).status).toBe(200);
    expect((await script.post('/api/me/two-factor/disable', { code: codeAt(secret, 1) })).status).toBe(403);
  });
});
