import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestConsole, type ApiClient, type TestConsole } from '../../../test/support/console.js';

const SECRET = 'a shared secret of at least 32 characters!';

function companyToken(claims: Record<string, unknown>, options: { secret?: string; iat?: number; exp?: number; jti?: string | null } = {}) {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(options.iat ?? now)
    .setExpirationTime(options.exp ?? now + 60);
  if (options.jti !== null) jwt = jwt.setJti(options.jti ?? randomUUID());
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

describe('single sign-on with the company site', () => {
  let tc: TestConsole;
  let admin: ApiClient;
  beforeAll(async () => {
    tc = await startTestConsole();
    ({ admin } = await signUp(tc, 'acme'));
    await signUp(tc, 'globex');
  });
  afterAll(() => tc.stop());

  it('stores the shared secret sealed and never shows it', async () => {
    expect((await admin.put('/api/sso', { enabled: true, loginUrl: 'https://acme.example/login', logoutUrl: null })).body.issues[0].field).toBe('secret');
    expect(
      (await admin.put('/api/sso', { enabled: true, loginUrl: 'https://acme.example/login', logoutUrl: null, secret: 'short' })).body.issues[0].field,
    ).toBe('secret');
    const saved = await admin.put('/api/sso', {
      enabled: true,
      loginUrl: 'https://acme.example/login',
      logoutUrl: 'https://acme.example/logout',
      secret: SECRET,
    });
    expect(saved.status).toBe(200);
    const shown = await admin.get('/api/sso');
    expect(shown.body).toMatchObject({ enabled: true, secretSet: true, loginUrl: 'https://acme.example/login' });
    expect(JSON.stringify(shown.body)).not.toContain(SECRET);
    const row = await tc.ctx.database.db.selectFrom('sso_settings').select('secret').executeTakeFirstOrThrow();
    expect(row.secret).not.toContain(SECRET);
    expect(JSON.stringify(await tc.ctx.database.db.selectFrom('audit_log').select('details').execute())).not.toContain(SECRET);
    expect(tc.logs.join('')).not.toContain(SECRET);
  });

  it('sends the browser to the company login page', async () => {
    const start = await tc.client('acme', 'path').get('/api/sso/start?return_to=/inbox');
    expect(start.status).toBe(302);
    const target = new URL(start.headers.get('location')!);
    expect(target.origin + target.pathname).toBe('https://acme.example/login');
    expect(target.searchParams.get('return_to')).toBe('http://localhost:3000/t/acme/inbox');
  });

  it('signs in with a fresh token once; refuses it replayed, expired, too long-lived, badly signed, without jti, or for another company', async () => {
    const browser = tc.client('acme');
    const token = await companyToken({ email: 'ADMIN@acme.example' });
    const signedIn = await browser.get(`/api/sso/login?token=${token}&return_to=/inbox`);
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get('location')).toBe('/t/acme/inbox');
    expect(signedIn.headers.get('set-cookie')).toContain('HttpOnly');
    const me = await browser.get('/api/session');
    expect(me.body.user.email).toBe('admin@acme.example');

    const replayed = await tc.client('acme').get(`/api/sso/login?token=${token}`);
    expect(replayed.status).toBe(401);
    expect(replayed.body.message).toContain('already used');

    const now = Math.floor(Date.now() / 1000);
    const refused = [
      await companyToken({ email: 'admin@acme.example' }, { iat: now - 600, exp: now - 300 }),
      await companyToken({ email: 'admin@acme.example' }, { iat: now - 400, exp: now + 60 }),
      await companyToken({ email: 'admin@acme.example' }, { secret: 'another secret that is long enough!!' }),
      await companyToken({ email: 'admin@acme.example' }, { jti: null }),
      await companyToken({}),
      await companyToken({ email: 'nobody@acme.example' }),
    ];
    for (const bad of refused) {
      const answer = await tc.client('acme').get(`/api/sso/login?token=${bad}`);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('set-cookie')).toBeNull();
    }
    // globex has no single sign-on: the same token means nothing there.
    expect((await tc.client('globex').get(`/api/sso/login?token=${await companyToken({ email: 'admin@globex.example' })}`)).status).toBe(404);
    // An open redirect is not on offer.
    const evil = await tc.client('acme').get(`/api/sso/login?token=${await companyToken({ email: 'admin@acme.example' })}&return_to=//evil.example`);
    expect(evil.headers.get('location')).toBe('/t/acme/');
  });

  it("signs the user out here when the company signs them out there, and points a sign-out here to the company's logout", async () => {
    const first = tc.client('acme');
    await first.get(`/api/sso/login?token=${await companyToken({ email: 'admin@acme.example' })}`);
    const second = tc.client('acme');
    await second.get(`/api/sso/login?token=${await companyToken({ email: 'admin@acme.example' })}`);
    await second.get('/api/session'); // the page asks for its CSRF token first
    const out = await second.delete('/api/session');
    expect(out.body.logoutUrl).toBe('https://acme.example/logout');
    expect((await first.get('/api/session')).status).toBe(200);

    const logout = await tc.client('acme').get(`/api/sso/logout?token=${await companyToken({ email: 'admin@acme.example' })}`);
    expect(logout.status).toBe(200);
    expect(logout.body.sessions).toBeGreaterThanOrEqual(1);
    expect((await first.get('/api/session')).status).toBe(401);
    expect((await admin.get('/api/session')).status).toBe(401);
    const replay = await tc.client('acme').get(`/api/sso/logout?token=${await companyToken({ email: 'admin@acme.example' }, { jti: 'used-once-jti' })}`);
    expect(replay.status).toBe(200);
    expect((await tc.client('acme').get(`/api/sso/logout?token=${await companyToken({ email: 'admin@acme.example' }, { jti: 'used-once-jti' })}`)).status).toBe(
      401,
    );
  });
});
