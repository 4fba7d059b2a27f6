import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, newPage, pageProblems, screenshot, startSwitchboard, type TestServer } from './support/browser.js';

/** The console web app as the server serves it, driven in a real Chromium. */
describe.skipIf(!browserAvailable)('console web app: shell, serving and languages', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves the app for page paths (also below /t/<slug>) with a strict policy, and leaves server paths alone', async () => {
    for (const path of ['/', '/sign-in', '/t/acme/conversations/123', '/reset-password?token=abc']) {
      const answer = await fetch(`${server.url}${path}`);
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get('content-type')).toContain('text/html');
      expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await answer.text()).toContain('<div id="root"></div>');
    }
    const html = await (await fetch(server.url)).text();
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${server.url}/assets/nothing-here.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/favicon.ico`)).status).toBe(404);
    const api = await fetch(`${server.url}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/json');
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it('switches between English and Simplified Chinese, and keeps the choice across reloads', async () => {
    const { context, page } = await newPage(browser, { locale: 'en-US' });
    await page.goto(`${server.url}/t/nobody-here/sign-in`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { name: '登录' }).waitFor();
    expect(await page.getByLabel('邮箱').count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await screenshot(page, 'console-web-sign-in-zh');

    await page.reload();
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  it('starts in Chinese for a browser that prefers it', async () => {
    const { context, page } = await newPage(browser, { locale: 'zh-CN' });
    await page.goto(`${server.url}/t/nobody-here/sign-in`);
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await screenshot(page, 'console-web-prefers-zh');
    await context.close();
  });

  it('says so when the address names no company, at the bare host and on sign-in', async () => {
    const { context, page } = await newPage(browser);
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Your company' }).waitFor();
    await page.getByLabel('Address').fill('nobody-here');
    await page.getByRole('button', { name: 'Go to sign in' }).click();
    await page.waitForURL(`${server.url}/t/nobody-here/sign-in`);
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('There is no company at this address.');
    await screenshot(page, 'console-web-no-company');
    await context.close();
  });
});
