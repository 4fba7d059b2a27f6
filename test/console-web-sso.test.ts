import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, newPage, pageProblems, screenshot, startSwitchboard, type TestServer } from './support/browser.js';

const secret = 'company-shared-secret-at-least-32-characters';

/** The company's own site as the seed describes it: it signs its users in and out of the console. */
describe.skipIf(!browserAvailable)('console web app: single sign-on', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    const signUp = await fetch(`${server.url}/api/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ companyName: 'SSO Co', slug: 'sso-co', name: 'Sam Admin', email: 'sam@example.com', password: 'correct horse battery' }),
    });
    expect(signUp.status).toBe(201);
    const cookie = (signUp.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await signUp.json()) as { csrfToken: string };
    // The company's login and logout pages: any page of this server will do for the browser to land on.
    const configured = await fetch(`${server.url}/t/sso-co/api/sso`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrfToken },
      body: JSON.stringify({ enabled: true, loginUrl: `${server.url}/healthz`, logoutUrl: `${server.url}/readyz`, secret }),
    });
    expect(configured.status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('offers the company sign-in, comes back signed in with a token from the company, and signs out there too', async () => {
    const { context, page } = await newPage(browser);
    await page.goto(`${server.url}/t/sso-co/sign-in`);
    const button = page.getByRole('link', { name: 'Sign in with your company account' });
    await button.waitFor();
    await screenshot(page, 'console-web-sso-sign-in');
    await button.click();
    await page.waitForURL((url) => url.pathname === '/healthz');
    expect(new URL(page.url()).searchParams.get('return_to')).toBe(`${server.url}/t/sso-co/`);

    // The company's site signs Sam in and sends the browser back.
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ email: 'sam@example.com', jti: randomUUID() })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(secret));
    await page.goto(`${server.url}/t/sso-co/api/sso/login?token=${encodeURIComponent(token)}`);
    await page.waitForURL(`${server.url}/t/sso-co/`);
    await page.getByRole('tab', { name: 'Mine' }).waitFor();
    await expect(page.getByText('Sam Admin').isVisible()).resolves.toBe(true);

    // Signing out of a single sign-on session goes on to the company's logout page.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.url}/readyz`);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  it('has a /sso link that goes straight to the company sign-in', async () => {
    const { context, page } = await newPage(browser);
    await page.goto(`${server.url}/t/sso-co/sso?return_to=/admin`);
    await page.waitForURL((url) => url.pathname === '/healthz');
    expect(new URL(page.url()).searchParams.get('return_to')).toBe(`${server.url}/t/sso-co/admin`);
    await screenshot(page, 'console-web-sso-link');
    await context.close();
  });

  it('shows no company sign-in where single sign-on is off', async () => {
    await fetch(`${server.url}/api/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ companyName: 'Plain Co', slug: 'plain-co', name: 'Pat', email: 'pat@example.com', password: 'correct horse battery' }),
    });
    const { context, page } = await newPage(browser);
    await page.goto(`${server.url}/t/plain-co/sign-in`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The probe has answered by the time the page settles.
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('link', { name: 'Sign in with your company account' }).count()).toBe(0);
    await screenshot(page, 'console-web-sso-off');
    await context.close();
  });
});
