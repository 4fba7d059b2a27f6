import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  browserAvailable,
  launchBrowser,
  newPage,
  pageProblems,
  screenshot,
  signIn,
  signUpCompany,
  startSwitchboard,
  type TestServer,
} from './support/browser.js';

/** The code the person's authenticator app shows `steps` periods from now. */
const codeAt = (secret: string, steps = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + steps * 30_000 });

/** The key the setup shows as text, without the spaces that group it. */
const shownSecret = async (page: Page) => ((await page.locator('.two-factor-secret').textContent()) ?? '').replace(/\s+/g, '');

describe.skipIf(!browserAvailable)('console web app: two-factor sign-in', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('turns it on from the profile, then asks for the code at sign-in and refuses a wrong one', async () => {
    await signUpCompany(server, { companyName: 'Vault Co', slug: 'vault-co' });
    const { context, page } = await newPage(browser);
    await signIn(page, server, 'vault-co');
    await page.getByRole('link', { name: /Your account/ }).click();
    await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.getByRole('img', { name: 'QR code holding the two-factor secret' }).waitFor();
    const secret = await shownSecret(page);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await screenshot(page, 'console-web-two-factor-setup');
    await page.getByLabel('Code from the app').fill(codeAt(secret));
    await page.getByRole('button', { name: 'Turn on', exact: true }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await screenshot(page, 'console-web-two-factor-recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('On. 10 recovery codes left.').waitFor();
    await screenshot(page, 'console-web-two-factor-profile-on');
    // Admins see who has it, and can reset it for someone who lost their phone.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('button', { name: 'Reset two-factor' }).waitFor();
    await screenshot(page, 'console-web-two-factor-agents');

    await page.getByRole('button', { name: 'Sign out' }).click();
    // The agents page has an "E-mail" field of its own: wait for the sign-in page first.
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const code = page.getByLabel('Code from the app');
    await code.waitFor();
    await screenshot(page, 'console-web-two-factor-code-step');
    await code.fill(String((Number(codeAt(secret, 1)) + 1) % 1_000_000).padStart(6, '0'));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').getByText('That code is wrong or was already used').waitFor();
    await code.fill(codeAt(secret, 1));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('tab', { name: /Mine/ }).waitFor();
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  it('makes a user of a company that requires it set it up at sign-in (in Chinese too)', async () => {
    const { response } = await signUpCompany(server, { companyName: 'Strict Co', slug: 'strict-co' });
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    const { context: adminContext, page: admin } = await newPage(browser);
    await adminContext.addCookies([{ name: cookie.split('=')[0]!, value: cookie.split('=').slice(1).join('='), url: server.url }]);
    await admin.goto(`${server.url}/t/strict-co/admin/sso`);
    await admin.getByRole('checkbox', { name: 'Require two-factor sign-in for everyone' }).check();
    // And agents start online at every sign-in, the second step included.
    await admin.getByLabel("Agents' status after signing in").selectOption({ label: 'Start online' });
    await admin.getByRole('form', { name: 'Sign-in security' }).getByRole('button', { name: 'Save' }).click();
    await admin.getByText('Sign-in security is saved.').waitFor();
    await screenshot(admin, 'console-web-two-factor-company-setting');
    await adminContext.close();
    expect(csrfToken).toBeTruthy();

    const { context, page } = await newPage(browser, { locale: 'zh-CN' });
    await page.goto(`${server.url}/t/strict-co/sign-in`);
    await page.getByLabel('邮箱').fill('ada@example.com');
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '设置两步验证登录' }).waitFor();
    await page.locator('.two-factor-secret').waitFor();
    await screenshot(page, 'console-web-two-factor-enrol-at-sign-in-zh');
    await page.getByLabel('应用中的验证码').fill(codeAt(await shownSecret(page)));
    await page.getByRole('button', { name: '开启' }).click();
    await page.getByRole('button', { name: '我已保存' }).click();
    await page.getByRole('tab', { name: '我的', exact: true }).waitFor();
    const me = await server.process.ctx.database.db
      .selectFrom('users')
      .select('agent_status')
      .where('email', '=', 'ada@example.com')
      .where('tenant_id', 'in', (eb) => eb.selectFrom('tenants').select('id').where('slug', '=', 'strict-co'))
      .executeTakeFirstOrThrow();
    expect(me.agent_status).toBe('online');
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });
});
