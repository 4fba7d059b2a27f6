import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider } from '../../../test/fakes/oidc-provider.js';
import { signUp, startTestConsole, type ApiClient, type TestConsole } from '../../../test/support/console.js';

describe('OpenID Connect sign-in', () => {
  let tc: TestConsole;
  let admin: ApiClient;
  let provider: Awaited<ReturnType<typeof startOidcProvider>>;
  beforeAll(async () => {
    provider = await startOidcProvider();
    tc = await startTestConsole();
    ({ admin } = await signUp(tc, 'acme'));
  });
  afterAll(async () => {
    await tc.stop();
    await provider.close();
  });

  async function beginLogin() {
    const start = await tc.app.request('/api/sso/oidc/start?return_to=/inbox', { headers: { 'x-switchboard-tenant': 'acme' } });
    expect(start.status).toBe(302);
    const target = new URL(start.headers.get('location')!);
    const stateCookie = start.headers.get('set-cookie')!.split(';')[0]!;
    return { target, stateCookie, state: target.searchParams.get('state')!, nonce: target.searchParams.get('nonce')! };
  }

  const callback = (code: string, state: string, cookie?: string) =>
    tc.app.request(`/api/sso/oidc/callback?code=${code}&state=${state}`, { headers: { 'x-switchboard-tenant': 'acme', ...(cookie ? { cookie } : {}) } });

  it('keeps the client secret write-only and refuses an incomplete setup, naming the field', async () => {
    expect((await admin.put('/api/sso/oidc', { enabled: true, issuer: provider.issuer, clientId: 'switchboard' })).body.issues[0].field).toBe('clientSecret');
    const saved = await admin.put('/api/sso/oidc', { enabled: true, issuer: provider.issuer, clientId: 'switchboard', clientSecret: 'client secret' });
    expect(saved.status).toBe(200);
    expect(saved.body.redirectUri).toBe('http://localhost:3000/t/acme/api/sso/oidc/callback');
    const shown = await admin.get('/api/sso');
    expect(shown.body.oidc).toMatchObject({ enabled: true, clientId: 'switchboard', clientSecretSet: true });
    expect(JSON.stringify(shown.body)).not.toContain('client secret');
  });

  it('sends the browser to the provider and signs the user in with the code it returns', async () => {
    const login = await beginLogin();
    expect(login.target.origin).toBe(provider.issuer);
    expect(login.target.searchParams.get('client_id')).toBe('switchboard');
    expect(login.target.searchParams.get('redirect_uri')).toBe('http://localhost:3000/t/acme/api/sso/oidc/callback');
    const back = await callback(provider.grant('admin@acme.example', login.nonce), login.state, login.stateCookie);
    expect(back.status, await back.clone().text()).toBe(302);
    expect(back.headers.get('location')).toBe('/t/acme/inbox');
    const session = back.headers.getSetCookie().find((c) => c.startsWith('sb_session='))!;
    const me = await tc.app.request('/api/session', { headers: { 'x-switchboard-tenant': 'acme', cookie: session.split(';')[0]! } });
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe('admin@acme.example');
  });

  it('refuses a callback without its state cookie, with a wrong state or nonce, a token for another client, or an unknown person', async () => {
    const login = await beginLogin();
    expect((await callback(provider.grant('admin@acme.example', login.nonce), login.state)).status).toBe(401);
    expect((await callback(provider.grant('admin@acme.example', login.nonce), 'forged-state', login.stateCookie)).status).toBe(401);
    expect((await callback(provider.grant('admin@acme.example', 'another nonce'), login.state, login.stateCookie)).status).toBe(401);
    expect((await callback(provider.grant('admin@acme.example', login.nonce, 'someone-else'), login.state, login.stateCookie)).status).toBe(401);
    expect((await callback(provider.grant('stranger@acme.example', login.nonce), login.state, login.stateCookie)).status).toBe(401);
    expect((await callback('no-such-code', login.state, login.stateCookie)).status).toBe(401);
  });
});
