import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createChannel } from '../core/connector/channels.js';
import { connectorDeps } from '../app/gateway.js';
import { browserAvailable, launchBrowser, newPage, pageProblems, startSwitchboard, signIn, signUpCompany, type TestServer } from './support/browser.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** Chromium's made-up microphone (a beep) and camera, granted without asking. */
const FAKE_MICROPHONE = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'];

/** A plain page of the company's site with the chat's embed code. */
async function sitePage(script: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Acme shop</title></head><body><h1>Acme shop</h1>${script}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server };
}

/** Holds a button down with the mouse for `ms`, optionally sliding `slide` pixels left before letting go. */
async function hold(page: Page, selector: ReturnType<Page['getByRole']>, ms: number, slide = 0): Promise<void> {
  const box = (await selector.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.waitForTimeout(ms);
  if (slide) await page.mouse.move(box.x + box.width / 2 - slide, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Axe's WCAG 2.2 A and AA rules over the given parts of the page: the violations, by rule and element. */
async function axeViolations(page: Page, include: string[]): Promise<string[]> {
  // Evaluated rather than added as a tag: the console's policy runs no inline script.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  return page.evaluate(async (selectors) => {
    const axe = (
      window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }
    ).axe;
    const result = await axe.run(
      { include: selectors.map((s) => [s]) },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } },
    );
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  }, include);
}

/**
 * A visitor holds the widget's microphone button and the agent hears it in the console with its
 * length; the agent records an answer in the reply box and the visitor plays it in the widget.
 * Then the inbox and the reply box are checked against WCAG 2.2 AA.
 */
describe.skipIf(!browserAvailable)('voice messages between the widget and the console, and the accessible inbox', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Page;
  let visitor: Page;
  let site: Awaited<ReturnType<typeof sitePage>>;
  const db = () => server.process.ctx.database.db;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser(FAKE_MICROPHONE)]);
    const { tenantId } = await signUpCompany(server, { companyName: 'Acme', slug: 'acme-voice' });
    const { channel } = await createChannel(await connectorDeps(server.process.ctx), tenantId, {
      type: 'web',
      name: 'Website',
      config: { title: 'Talk to Acme' },
    });
    site = await sitePage(`<script src="${server.url}/widget/widget.js" data-key="${channel.publicKey}" async></script>`);
    ({ page: admin } = await newPage(browser));
    await signIn(admin, server, 'acme-voice');
    await admin.getByRole('combobox', { name: 'Your status' }).selectOption('online');
    await admin.getByRole('tab', { name: /All/ }).click();
    ({ page: visitor } = await newPage(browser, { width: 420 }));
  });
  afterAll(async () => {
    site?.server.close();
    await browser?.close();
    await server?.stop();
  });

  it('a voice message held in the widget plays in the console with its length; the agent answers with one the visitor plays', {
    timeout: 120_000,
  }, async () => {
    await visitor.goto(site.url);
    await visitor.getByRole('button', { name: 'Talk to Acme' }).click();
    const mic = visitor.getByRole('button', { name: 'Hold to record a voice message' });
    await mic.waitFor();

    // Sliding away while holding cancels: nothing is sent.
    await hold(visitor, mic, 800, 150);
    await visitor.getByText('Voice message cancelled').waitFor();

    // Held for two seconds: recorded, stored and sent.
    await mic.hover();
    const box = (await mic.boundingBox())!;
    await visitor.mouse.down();
    await visitor.getByText(/Recording 0:0\d/).waitFor();
    await visitor.getByText('Slide away to cancel').waitFor();
    await visitor.screenshot({ path: '/tmp/widget-b-recorder.png' });
    await visitor.waitForTimeout(1700);
    await visitor.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 2);
    await visitor.mouse.up();
    const mine = visitor.locator('#switchboard-chat .msg.in .voice');
    await mine.waitFor({ timeout: 20_000 });
    await expect.poll(() => mine.locator('.time').textContent()).toMatch(/^0:0[12]$/);

    // The console: one voice message, its length beside the player, and it plays to the end.
    const item = admin.getByRole('link', { name: /Visitor/ });
    await item.waitFor({ timeout: 20_000 });
    await item.click();
    const log = admin.getByRole('log', { name: 'Messages' });
    const voice = log.locator('figure.part-voice');
    await voice.waitFor({ timeout: 20_000 });
    expect(await voice.count()).toBe(1);
    await expect(voice.locator('.voice-duration').textContent()).resolves.toMatch(/^0:0[12]$/);
    await expect(voice.locator('audio').getAttribute('aria-label')).resolves.toMatch(/^voice\.webm, 0:0[12]$/);
    const played = await voice.locator('audio').evaluate(
      (audio: HTMLAudioElement) =>
        new Promise<number>((resolve, reject) => {
          audio.addEventListener('ended', () => resolve(audio.currentTime), { once: true });
          audio.addEventListener('error', () => reject(new Error(`audio error ${audio.error?.code}`)), { once: true });
          void audio.play();
        }),
    );
    expect(played).toBeGreaterThan(1.2);
    const stored = await db().selectFrom('attachments').select(['mime_type', 'duration_ms']).where('owner', 'like', 'v:%').executeTakeFirstOrThrow();
    expect(stored.mime_type).toBe('audio/webm');
    expect(stored.duration_ms).toBeGreaterThan(1200);
    await admin.screenshot({ path: '/tmp/widget-b-console-playback.png' });

    // The agent records an answer: Record, Stop and attach, Send.
    await admin.getByRole('button', { name: 'Record voice' }).click();
    await admin
      .getByRole('timer')
      .filter({ hasText: /Recording 0:0/ })
      .waitFor();
    await admin.screenshot({ path: '/tmp/widget-b-console-recorder.png' });
    await admin.waitForTimeout(1500);
    await admin.getByRole('button', { name: 'Stop and attach' }).click();
    await admin
      .getByRole('list', { name: 'Files to send' })
      .getByText(/Voice message 0:0[12]/)
      .waitFor();
    await admin.getByRole('list', { name: 'Files to send' }).locator('li.ready').waitFor({ timeout: 10_000 });
    await admin.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => log.locator('figure.part-voice').count(), { timeout: 20_000 }).toBe(2);

    // The visitor plays it in the widget.
    const answer = visitor.locator('#switchboard-chat .msg.out .voice');
    await answer.waitFor({ timeout: 20_000 });
    await expect(answer.locator('.time').textContent()).resolves.toMatch(/^0:0[12]$/);
    await answer.getByRole('button', { name: /^Play voice message, 0:0[12]$/ }).click();
    await answer.getByRole('button', { name: 'Pause voice message' }).waitFor();
    await expect.poll(() => answer.locator('audio').evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 10_000 }).toBeGreaterThan(0.3);
    await visitor.screenshot({ path: '/tmp/widget-b-widget-playback.png' });
    const sent = await db()
      .selectFrom('messages')
      .select('content')
      .where('direction', '=', 'out')
      .where('sender_type', '=', 'agent')
      .executeTakeFirstOrThrow();
    expect(sent.content).toMatchObject([{ type: 'audio', mimeType: 'audio/webm', duration: expect.any(Number) }]);
    expect(pageProblems(admin)).toEqual([]);
    expect(pageProblems(visitor)).toEqual([]);
  });

  it('the inbox and the reply box pass axe-core’s WCAG 2.2 AA rules, new messages are announced, and phones get 16 px inputs', {
    timeout: 60_000,
  }, async () => {
    expect(await axeViolations(admin, ['.inbox-list', '.conversation-pane'])).toEqual([]);

    // The keyboard: arrows move between the inbox's tabs; the recorder starts with Enter and Escape drops it.
    await admin.getByRole('tab', { name: /All/ }).focus();
    await admin.keyboard.press('ArrowLeft');
    await expect(admin.getByRole('tab', { name: /My groups/ }).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(admin.evaluate(() => document.activeElement?.textContent)).resolves.toMatch(/My groups/);
    await admin.keyboard.press('End');
    await admin.getByRole('button', { name: 'Record voice' }).focus();
    await admin.keyboard.press('Enter');
    await admin.getByRole('timer').waitFor();
    expect(await axeViolations(admin, ['.reply-box'])).toEqual([]);
    await expect(admin.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Stop and attach');
    await admin.keyboard.press('Escape');
    await admin.getByRole('button', { name: 'Record voice' }).waitFor();
    expect(await admin.getByRole('list', { name: 'Files to send' }).count()).toBe(0);

    // A customer's message in a conversation that is not open is announced.
    await admin.getByRole('link', { name: 'Inbox' }).click();
    await visitor.getByPlaceholder('Write a message…').fill('Is it shipped?');
    await visitor.getByPlaceholder('Write a message…').press('Enter');
    await admin
      .getByRole('status')
      .filter({ hasText: /^New message from Visitor \d+ · Chrome: Is it shipped\?$/ })
      .waitFor({ timeout: 20_000 });
    // On a phone every field of the inbox and the reply box is 16 px: the browser does not zoom in on focus.
    await admin.setViewportSize({ width: 390, height: 800 });
    const fontSize = (locator: ReturnType<Page['getByRole']>) => locator.evaluate((el) => getComputedStyle(el).fontSize);
    await expect(fontSize(admin.getByRole('searchbox', { name: 'Search conversations' }))).resolves.toBe('16px');
    await admin.getByRole('link', { name: /Visitor/ }).click();
    await expect(fontSize(admin.getByRole('combobox', { name: /Write a reply/ }))).resolves.toBe('16px');
    await admin.screenshot({ path: '/tmp/widget-b-console-phone.png' });
    await admin.setViewportSize({ width: 1280, height: 800 });

    // The recorder speaks the widget's language: the panel drawn again in Chinese.
    await visitor.evaluate(() => (window as unknown as { Switchboard(...args: unknown[]): void }).Switchboard('locale', 'zh-CN'));
    const mic = visitor.getByRole('button', { name: '按住录制语音消息' });
    await mic.waitFor();
    const box = (await mic.boundingBox())!;
    await visitor.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await visitor.mouse.down();
    await visitor.getByText(/^正在录音 0:0\d$/).waitFor();
    await visitor.getByText('滑开取消').waitFor();
    await visitor.screenshot({ path: '/tmp/widget-b-recorder-zh.png' });
    await visitor.mouse.move(box.x - 150, box.y + box.height / 2, { steps: 5 });
    await visitor.getByText('松开取消').waitFor();
    await visitor.mouse.up();
    await visitor.getByText('已取消语音消息').waitFor();
    // By keyboard: Space held records, Escape cancels the recording and leaves the chat open.
    await visitor.getByText('已取消语音消息').evaluate((status) => (status.textContent = ''));
    await mic.focus();
    await visitor.keyboard.down(' ');
    await visitor.getByText(/^正在录音 0:0\d$/).waitFor();
    await visitor.keyboard.press('Escape');
    await visitor.getByText('已取消语音消息').waitFor();
    await visitor.keyboard.up(' ');
    await expect(visitor.getByRole('dialog').isVisible()).resolves.toBe(true);
    expect(await visitor.locator('#switchboard-chat .msg.in .voice').count()).toBe(1);
  });
});
