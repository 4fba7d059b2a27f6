import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, signUp, startTestConsole, type TestConsole } from '../../../test/support/console.js';

describe('sign-up, sign-in and sessions', () => {
  let tc: TestConsole;
  beforeAll(async () => {
    tc = await startTestConsole({ env: { BASE_HOST: 'switchboard.test', SIGN_IN_FREE_FAILURES: '3', SIGN_IN_FREE_FAILURES_PER_IP: '5' } });
  });
  afterAll(() => tc.stop());

  it('signs up a company with its admin, hashes the password with argon2id and opens an HttpOnly SameSite session', async () => {
    const anonymous = new ApiClient(tc.app, undefined, 'header');
    const answer = await anonymous.post('/api/signup', {
      companyName: 'Acme',
      slug: 'acme',
      name: 'Ada',
      email: 'Ada@Acme.example',
      password: 'a long password',
    });
    expect(answer.status).toBe(201);
    expect(answer.body.tenant).toMatchObject({ slug: 'acme', name: 'Acme' });
    expect(answer.body.url).toBe('http://acme.switchboard.test:3000');
    expect(answer.body.user).toMatchObject({ email: 'ada@acme.example', accountStatus: 'active' });
    expect(JSON.stringify(answer.body)).not.toContain('a long password');
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sb_session=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure'); // PUBLIC_URL is http here

    const stored = await tc.ctx.database.db.selectFrom('users').select('password_hash').where('email', '=', 'ada@acme.example').executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    // The database holds only the session token's hash.
    const sessionRows = await tc.ctx.database.db.selectFrom('sessions').select('id').execute();
    expect(sessionRows.map((r) => r.id)).not.toContain(cookie.split(';')[0]!.split('=')[1]);

    const admin = tc.client('acme');
    expect((await admin.signIn('ada@acme.example', 'a long password')).status).toBe(200);
    const me = await admin.get('/api/session');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('ada@acme.example');
    expect(me.body.permissions).toContain('admin.roles');
    expect(me.body.tenant.slug).toBe('acme');
  });

  it('answers the state before sign-in with 200: no company, signed out, signed in', async () => {
    const nowhere = await new ApiClient(tc.app, undefined, 'header').get('/api/session/state');
    expect(nowhere.status).toBe(200);
    expect(nowhere.body).toEqual({ company: false, singleSignOn: false, session: null });
    const admin = tc.client('acme');
    const signedOut = await admin.get('/api/session/state');
    expect(signedOut.status).toBe(200);
    expect(signedOut.body).toEqual({ company: true, singleSignOn: false, session: null });
    await admin.signIn('ada@acme.example', 'a long password');
    const signedIn = await admin.get('/api/session/state');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.session.user.email).toBe('ada@acme.example');
    expect(signedIn.body.session.permissions).toContain('admin.roles');
    expect(signedIn.body.session.csrfToken).toBe((await admin.get('/api/session')).body.csrfToken);
  });

  it('refuses a taken address and www, and answers bad input with 400 naming the field', async () => {
    const anonymous = new ApiClient(tc.app, undefined, 'header');
    const again = await anonymous.post('/api/signup', {
      companyName: 'Other',
      slug: 'acme',
      name: 'Bob',
      email: 'bob@example.com',
      password: 'a long password',
    });
    expect(again.status).toBe(409);
    const www = await anonymous.post('/api/signup', { companyName: 'W', slug: 'www', name: 'W', email: 'w@example.com', password: 'a long password' });
    expect(www.status).toBe(400);
    expect(www.body.issues[0].field).toBe('slug');
    const bad = await anonymous.post('/api/signup', { companyName: 'X', slug: 'x-co', name: 'X', email: 'not an e-mail', password: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['email', 'password']);
    const notJson = await tc.app.request('/api/signup', { method: 'POST', body: 'slug=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(notJson.status).toBe(400);
    const broken = await tc.app.request('/api/signup', { method: 'POST', body: '{"slug":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect((await broken.json()).issues[0].field).toBe('body');
  });

  it('selects the company by subdomain, path or header, and answers 404 for an unknown one or www', async () => {
    await signUp(tc, 'globex');
    const bySubdomain = await tc.app.request('/api/session', {
      method: 'POST',
      headers: { host: 'globex.switchboard.test:3000', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@globex.example', password: 'admin password 1' }),
    });
    expect(bySubdomain.status).toBe(200);
    const byPath = tc.client('globex', 'path');
    expect((await byPath.signIn('admin@globex.example', 'admin password 1')).status).toBe(200);
    expect((await byPath.get('/api/session')).body.tenant.slug).toBe('globex');

    for (const host of ['nobody.switchboard.test', 'www.switchboard.test', 'switchboard.test']) {
      const answer = await tc.app.request('/api/session', { headers: { host } });
      expect(answer.status, host).toBe(404);
    }
    expect((await tc.client('nobody').get('/api/session')).status).toBe(404);
    expect((await tc.client('nobody', 'path').get('/api/roles')).status).toBe(404);
  });

  it("never lets one company's session into another company", async () => {
    const acme = tc.client('acme');
    await acme.signIn('ada@acme.example', 'a long password');
    const borrowed = tc.client('globex');
    borrowed.cookie = acme.cookie;
    borrowed.csrfToken = acme.csrfToken;
    expect((await borrowed.get('/api/session')).status).toBe(401);
    expect((await borrowed.get('/api/roles')).status).toBe(401);
    // And the same user's e-mail does not sign in to a company it is not in.
    expect((await tc.client('globex').signIn('ada@acme.example', 'a long password')).status).toBe(401);
  });

  it('requires the CSRF token on changes made with a session cookie', async () => {
    const admin = tc.client('acme');
    await admin.signIn('ada@acme.example', 'a long password');
    const token = admin.csrfToken;
    admin.csrfToken = undefined;
    const without = await admin.post('/api/roles', { name: 'Nights', permissions: [] });
    expect(without.status).toBe(403);
    admin.csrfToken = 'wrong';
    expect((await admin.post('/api/roles', { name: 'Nights', permissions: [] })).status).toBe(403);
    admin.csrfToken = token;
    expect((await admin.post('/api/roles', { name: 'Nights', permissions: [] })).status).toBe(201);
  });

  it('signs out: the cookie stops working', async () => {
    const admin = tc.client('acme');
    await admin.signIn('ada@acme.example', 'a long password');
    const cookie = admin.cookie;
    const out = await admin.delete('/api/session');
    expect(out.status).toBe(200);
    expect(out.body.logoutUrl).toBeNull();
    admin.cookie = cookie;
    expect((await admin.get('/api/session')).status).toBe(401);
  });

  it('slows down failed sign-ins per account and address, and per address, without locking the owner out', async () => {
    const { email, password } = await signUp(tc, 'initech');
    const client = tc.client('initech');
    client.ip = '198.51.100.1';
    for (let i = 0; i < 3; i++) expect((await client.signIn(email, 'wrong password')).status).toBe(401);
    const blocked = await client.signIn(email, password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // From another address the owner signs in: the wait is on the pair, not the account.
    client.ip = '198.51.100.2';
    expect((await client.signIn(email, password)).status).toBe(200);

    // Per address: failures against many accounts from one address.
    const scanner = tc.client('globex');
    scanner.ip = '198.51.100.9';
    for (let i = 0; i < 5; i++) expect((await scanner.signIn(`guess${i}@globex.example`, 'whatever')).status).toBe(401);
    expect((await scanner.signIn('admin@globex.example', 'admin password 1')).status).toBe(429);
    scanner.ip = '198.51.100.10';
    expect((await scanner.signIn('admin@globex.example', 'admin password 1')).status).toBe(200);
  });

  it('never writes passwords or tokens to the log', async () => {
    const all = tc.logs.join('\n');
    expect(all).not.toContain('a long password');
    expect(all).not.toContain('admin password 1');
  });
});

describe('who may sign up (SIGNUP)', () => {
  const company = (slug: string) => ({ companyName: slug, slug, name: 'Ada', email: `ada@${slug}.example`, password: 'a long password' });

  it('by default lets only the first company in, even when two sign up at the same moment', async () => {
    const tc = await startTestConsole({ env: { SIGNUP: 'first' } });
    try {
      const anonymous = new ApiClient(tc.app, undefined, 'header');
      expect((await anonymous.get('/api/signup')).body).toMatchObject({ open: true });
      const answers = await Promise.all([anonymous.post('/api/signup', company('first-a')), anonymous.post('/api/signup', company('first-b'))]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 403]);
      expect(answers.find((a) => a.status === 403)!.body.message).toMatch(/sign-up is closed/);
      expect((await anonymous.get('/api/signup')).body).toMatchObject({ open: false });
      const tenants = await tc.ctx.database.db.selectFrom('tenants').select('slug').execute();
      expect(tenants).toHaveLength(1);
    } finally {
      await tc.stop();
    }
  }, 60_000);

  it('closed lets nobody in; open lets every company in', async () => {
    const closed = await startTestConsole({ env: { SIGNUP: 'closed' } });
    try {
      const anonymous = new ApiClient(closed.app, undefined, 'header');
      expect((await anonymous.get('/api/signup')).body).toMatchObject({ open: false });
      expect((await anonymous.post('/api/signup', company('closed-a'))).status).toBe(403);
    } finally {
      await closed.stop();
    }
    const open = await startTestConsole({ env: { SIGNUP: 'open' } });
    try {
      const anonymous = new ApiClient(open.app, undefined, 'header');
      expect((await anonymous.post('/api/signup', company('open-a'))).status).toBe(201);
      expect((await anonymous.post('/api/signup', company('open-b'))).status).toBe(201);
      expect((await anonymous.get('/api/signup')).body).toMatchObject({ open: true });
    } finally {
      await open.stop();
    }
  }, 60_000);
});
