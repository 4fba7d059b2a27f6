import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  browserAvailable,
  launchBrowser,
  newPage,
  pageProblems,
  screenshot,
  startSwitchboard,
  type TestServer,
  signUpCompany,
  signIn,
} from './support/browser.js';

const SSO_SECRET = 'sso-shared-secret-0123456789-abcdefghij';

/** The admin keeps business hours and single sign-on in the settings. */
describe.skipIf(!browserAvailable)('console web app: business hours and single sign-on settings', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Page;
  const db = () => server.process.ctx.database.db;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    const { tenantId } = await signUpCompany(server, { companyName: 'Hours Co', slug: 'hours-co' });
    await db().insertInto('groups').values({ tenant_id: tenantId, name: 'Billing' }).execute();
    ({ page: admin } = await newPage(browser));
    await signIn(admin, server, 'hours-co');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('adds business hours with a Saturday morning and a holiday, and gives them to a group', async () => {
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('link', { name: 'Business hours' }).click();
    await admin.getByText('No business hours yet: every group is always open.').waitFor();
    const form = admin.getByRole('form', { name: 'Add business hours' });
    await form.getByLabel('Name').fill('Shanghai office');
    await form.getByLabel('Time zone').selectOption('Asia/Shanghai');
    // Monday to Friday 09:00–18:00 to start with; Saturday is added, with a lunch break on Friday.
    await form.getByRole('group', { name: 'Saturday' }).getByRole('checkbox').check();
    await form.getByLabel('Saturday from').fill('10:00');
    await form.getByLabel('Saturday until').fill('14:00');
    const friday = form.getByRole('group', { name: 'Friday' });
    await friday.getByRole('button', { name: 'Add hours' }).click();
    await friday.getByLabel('Friday until').first().fill('12:00');
    await form.getByLabel('Holidays').fill('2027-02-06 Spring festival\nsoon');
    await form.getByRole('button', { name: 'Add business hours' }).click();
    await form.getByRole('alert').filter({ hasText: 'Not a holiday line: “soon”' }).waitFor();
    await form.getByLabel('Holidays').fill('2027-02-06 Spring festival');
    await form.getByRole('button', { name: 'Add business hours' }).click();
    await admin.getByRole('status').filter({ hasText: 'Shanghai office is added.' }).waitFor();
    const row = admin.getByRole('table', { name: 'Business hours' }).getByRole('row', { name: /Shanghai office/ });
    await expect(row.textContent()).resolves.toContain('Saturday 10:00–14:00');
    await expect(row.textContent()).resolves.toContain('Friday 09:00–12:00, 13:00–18:00');
    const calendar = await db()
      .selectFrom('business_calendars')
      .select(['id', 'time_zone', 'weekly_hours'])
      .where('name', '=', 'Shanghai office')
      .executeTakeFirstOrThrow();
    expect(calendar.time_zone).toBe('Asia/Shanghai');
    expect(calendar.weekly_hours).toEqual([
      [],
      [['09:00', '18:00']],
      [['09:00', '18:00']],
      [['09:00', '18:00']],
      [['09:00', '18:00']],
      [
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ],
      [['10:00', '14:00']],
    ]);
    const holidays = await db().selectFrom('calendar_holidays').select(['day', 'name']).where('calendar_id', '=', calendar.id).execute();
    expect(holidays.map((h) => h.name)).toEqual(['Spring festival']);

    await admin.getByLabel('Business hours of Billing').selectOption({ label: 'Shanghai office' });
    await admin.getByRole('status').filter({ hasText: 'The hours of Billing are saved.' }).waitFor();
    expect((await db().selectFrom('groups').select('calendar_id').where('name', '=', 'Billing').executeTakeFirstOrThrow()).calendar_id).toBe(calendar.id);
    await screenshot(admin, 'console-web-business-hours');
  });

  it('changes the time zone with a picker that offers only real zones', async () => {
    await admin.getByRole('table', { name: 'Business hours' }).getByRole('button', { name: 'Edit' }).click();
    const form = admin.getByRole('form', { name: 'Edit Shanghai office' });
    await expect(form.getByLabel('Holidays').inputValue()).resolves.toBe('2027-02-06 Spring festival');
    const zone = form.getByLabel('Time zone');
    await expect(zone.inputValue()).resolves.toBe('Asia/Shanghai');
    const offered = await zone.locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(offered).toEqual(expect.arrayContaining(['UTC', 'Europe/Berlin', 'America/New_York']));
    expect(offered).not.toContain('Mars/Olympus');
    await zone.selectOption('Europe/Berlin');
    await screenshot(admin, 'console-web-business-hours-zone');
    await form.getByRole('button', { name: 'Save' }).click();
    await admin
      .getByRole('table', { name: 'Business hours' })
      .getByRole('row', { name: /Europe\/Berlin/ })
      .waitFor();
    expect((await db().selectFrom('business_calendars').select('time_zone').where('name', '=', 'Shanghai office').executeTakeFirstOrThrow()).time_zone).toBe(
      'Europe/Berlin',
    );
    // Deleting asks first, in the page's own dialog; cancelling keeps the calendar.
    await admin.getByRole('button', { name: 'Delete Shanghai office' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Delete Shanghai office? Groups that keep it become always open.' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await admin
      .getByRole('table', { name: 'Business hours' })
      .getByRole('row', { name: /Shanghai office/ })
      .waitFor();
    await admin.getByRole('button', { name: 'Delete Shanghai office' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await admin.getByText('No business hours yet: every group is always open.').waitFor();
    expect(await db().selectFrom('business_calendars').select('id').where('name', '=', 'Shanghai office').execute()).toEqual([]);
    await admin.getByLabel('Business hours of Billing').waitFor({ state: 'detached' });
  });

  it('sets up single sign-on with a write-only secret and shows the endpoints for the company site', async () => {
    await admin.getByRole('link', { name: 'Single sign-on' }).click();
    const form = admin.getByRole('form', { name: 'Sign-in through your own site' });
    await expect(form.getByLabel('Sign-in endpoint (for your site)').inputValue()).resolves.toBe(`${server.url}/t/hours-co/api/sso/login`);
    await form.getByRole('checkbox', { name: 'On' }).check();
    await form.getByLabel("Your site's login page").fill('https://www.example.com/login');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').filter({ hasText: 'secret' }).waitFor();
    await form.getByLabel('Shared secret').fill(SSO_SECRET);
    await form.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'Single sign-on is saved.' }).waitFor();
    await admin.getByRole('form', { name: 'Sign-in through your own site' }).getByText('A value is stored; leave empty to keep it.').waitFor();
    await expect(admin.getByRole('form', { name: 'Sign-in through your own site' }).getByLabel('Shared secret').inputValue()).resolves.toBe('');
    expect(await admin.content()).not.toContain(SSO_SECRET);
    const stored = await db().selectFrom('sso_settings').select(['enabled', 'login_url', 'secret']).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ enabled: true, login_url: 'https://www.example.com/login' });
    expect(String(stored.secret)).not.toContain(SSO_SECRET);
    // The sign-in page now offers the company's sign-in.
    const { page: visitor, context } = await newPage(browser);
    await visitor.goto(`${server.url}/t/hours-co/sign-in`);
    await visitor.getByRole('link', { name: 'Sign in with your company account' }).waitFor();
    await context.close();
    expect(pageProblems(admin)).toEqual([]);
    await screenshot(admin, 'console-web-sso-settings');
  });

  it('keeps the settings usable at a phone width', async () => {
    const { context, page: phone } = await newPage(browser, { width: 390 });
    await context.addCookies(await admin.context().cookies());
    for (const path of ['business-hours', 'sso', 'channels', 'agents', 'roles', 'audit-log']) {
      await phone.goto(`${server.url}/t/hours-co/admin/${path}`);
      await phone.getByRole('heading', { level: 1 }).waitFor();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
    }
    await screenshot(phone, 'console-web-settings-phone');
    await context.close();
  });
});
