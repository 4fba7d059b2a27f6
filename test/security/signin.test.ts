import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => guesser.request('POST', '/api/session', { email: owner.email, password: `guess ${i}` }, {}, true)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401).every((s) => s === 429)).toBe(true);
    expect(Number(answers.find((a) => a.status === 429)!.headers.get('retry-after'))).toBeGreaterThan(0);
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
      statuses.push((await scanner.request('POST', '/api/session', { email: `guess${i}@acme.example`, password: 'whatever' }, { 'x-forwarded-for': forged })).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toContain(429);
  });

  it('ends a session past SESSION_MAX_HOURS even while it is in use', async () => {
    const agent = tc.client('acme');
    agent.ip = '192.0.2.11';
    expect((await agent.signIn(owner.email, owner.password)).status).toBe(200);
    expect((await agent.get('/api/session')).status).toBe(200);
    // Opened eight days ago and used a moment ago: busy, but older than the default seven days.
    await tc.ctx.database.db
      .updateTable('sessions')
      .set({ created_at: new Date(Date.now() - 8 * 24 * 3_600_000), last_seen_at: new Date(), expires_at: new Date(Date.now() + 3_600_000) })
      .where('tenant_id', '=', (await agent.get('/api/session')).body.tenant.id)
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
    expect((await admin.put('/api/sso/oidc', { enabled: true, issuer: provider.issuer, clientId: 'switchboard', clientSecret: 'client secret' })).status).toBe(200);
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
    return tc.app.request(`/api/sso/oidc/callback?code=${code}&state=${target.searchParams.get('state')}`, { headers: { 'x-switchboard-tenant': 'acme', cookie } });
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
