import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '../../core/connector/channels.js';
import { ConnectorError } from '../../core/connector/errors.js';
import { startPullLoops } from '../../core/connector/pull.js';
import { channelContext, openHarness, type Harness } from '../../core/connector/testkit/index.js';
import type { ContentPart, OutboundEnvelope } from '../../core/domain/messages.js';
import { fakeTelegram, TELEGRAM_ERRORS, type FakeTelegram } from '../../test/fakes/telegram-bot-api.js';
import { realServices, testDeps } from '../../test/support/connectors.js';
import { converterAvailable } from '../../core/attachments/convert-audio.js';
import { fileTypeFromBuffer } from 'file-type';
import { readFileSync } from 'node:fs';
import { eventually } from '../../test/support/services.js';
import telegram from './connector.js';
import { telegramFiles, telegramFixtures as f } from './fixtures/index.js';
import { SECRET_HEADER, webhookSecret } from './inbound.js';

describe('Telegram channel', () => {
  let fake: FakeTelegram;
  let harness: Harness;
  let secret: string;

  beforeAll(async () => {
    fake = await fakeTelegram();
    for (const [id, file] of Object.entries(telegramFiles)) fake.addFile(id, file.bytes, file.path);
    harness = await openHarness(telegram, { botToken: fake.token, apiBaseUrl: fake.url, webhookCheckSeconds: 1 }, realServices);
    secret = webhookSecret({ secretKey: harness.deps.config.secretKey, channel: { id: harness.channel.id } as never });
  });
  afterAll(async () => {
    await harness?.close();
    await fake?.close();
  });

  const post = (body: unknown, token: string | null = secret) =>
    harness.request(`/hooks/${harness.channel.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { [SECRET_HEADER]: token } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const lastPublished = async (before: number) => {
    await eventually(() => harness.published.length > before);
    return harness.published.at(-1)!.message;
  };
  const outbound = (parts: ContentPart[], recipient = '1111111'): OutboundEnvelope => ({
    version: 1,
    tenantId: harness.tenantId,
    channelId: harness.channel.id,
    channelType: 'telegram',
    messageId: '1',
    conversationId: '00000000-0000-4000-8000-000000000001',
    recipient: { externalId: recipient },
    threadKey: '',
    parts,
  });

  it('downloads a customer photo through getFile into the attachment store, largest size, caption kept', async () => {
    const before = harness.published.length;
    expect((await post(f.photo)).status).toBe(200);
    const message = await lastPublished(before);
    expect(message).toMatchObject({ externalId: '1111111:1366', sender: { externalId: '1111111', displayName: 'Test Lastname' } });
    const part = message.parts[0] as Extract<ContentPart, { attachmentId?: string }>;
    expect(part).toMatchObject({ type: 'image', providerId: 'AgACAgQAAxkBAAIBX2PhotoLarge', caption: 'The parcel arrived like this' });
    const stored = await (await channelContext(harness)).attachments.read(part.attachmentId!);
    expect(stored.bytes.equals(telegramFiles.AgACAgQAAxkBAAIBX2PhotoLarge!.bytes)).toBe(true);
    expect(stored.file.mimeType).toBe('image/png');
  });

  it('keeps a file Telegram will not serve as a reference instead of losing the message', async () => {
    const gone = structuredClone(f.document);
    gone.update_id = 20001;
    gone.message.message_id = 2001;
    gone.message.document.file_id = 'BQACAgQAAxkBAAIBYGoneFromTelegram';
    const before = harness.published.length;
    expect((await post(gone)).status).toBe(200);
    const part = (await lastPublished(before)).parts[0];
    expect(part).toMatchObject({ type: 'file', providerId: 'BQACAgQAAxkBAAIBYGoneFromTelegram', name: 'invoice.pdf' });
    expect(part).not.toHaveProperty('attachmentId', expect.any(String));
  });

  it('checks the secret token before reading the body: forged 403, missing 401, nothing published', async () => {
    const before = harness.published.length;
    expect((await post('{not json', `${secret.slice(0, -2)}zz`)).status).toBe(403);
    expect((await post(f.text, null)).status).toBe(401);
    expect((await post(f.text, 'short')).status).toBe(403);
    await new Promise((r) => setTimeout(r, 50));
    expect(harness.published.length).toBe(before);
  });

  it('shows an edit as an edit of the original message, stored beside it', async () => {
    const before = harness.published.length;
    expect((await post(f.edited)).status).toBe(200);
    const message = await lastPublished(before);
    expect(message.externalId).toBe('1111111:1365:edit:1441646600');
    expect(message.parts).toEqual([
      { type: 'event', name: 'message.edited', data: { externalId: '1111111:1365', editedAt: '2015-09-07T17:23:20.000Z' } },
      { type: 'text', text: 'Where is order A-1?' },
    ]);
  });

  it('turns a shared contact into text the agent can read', async () => {
    const before = harness.published.length;
    await post(f.contact);
    expect((await lastPublished(before)).parts).toEqual([{ type: 'text', text: 'Shared a contact: Li Lei, +8613800138000' }]);
  });

  it('registers its webhook with the secret token when the channel runs, and sets it back when it was changed elsewhere', async () => {
    const deps = testDeps(harness.deps.db, harness.deps.bus, [telegram], {
      secretKey: harness.deps.config.secretKey,
      publicUrl: 'https://support.example.com',
    });
    const loops = startPullLoops(deps, { exclusive: false, rescanMs: 100 });
    try {
      await eventually(() => fake.webhook?.url === `https://support.example.com/hooks/${harness.channel.id}`);
      expect(fake.webhook).toEqual({
        url: `https://support.example.com/hooks/${harness.channel.id}`,
        secret_token: secret,
        allowed_updates: ['message', 'edited_message'],
      });
      // Another installation takes the bot's webhook: the check notices and sets it back, with a warning.
      await fetch(`${fake.url}/bot${fake.token}/setWebhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://elsewhere.example/hook' }),
      });
      await eventually(() => fake.webhook?.url === `https://support.example.com/hooks/${harness.channel.id}`, { timeoutMs: 5000 });
      expect(deps.logs()).toContain('the Telegram webhook was changed elsewhere');
      expect(deps.logs()).not.toContain(fake.token);
    } finally {
      await loops.stop();
    }
  });

  it('polls getUpdates without a public URL, keeps the offset after the bus took them, and resumes with no gap or duplicate', async () => {
    const polled = await fakeTelegram('654321:AAPollingBotTokenForTheTestsOnly_987');
    const { channel } = await createChannel(harness.deps, harness.tenantId, {
      type: 'telegram',
      name: 'Polling bot',
      config: { botToken: polled.token, apiBaseUrl: polled.url, mode: 'polling', pollTimeoutSeconds: 1 },
    });
    const update = (id: number, text: string) => ({ update_id: id, message: { ...f.text.message, message_id: id, text } });
    const ids = () => harness.published.filter((e) => e.channelId === channel.id).map((e) => e.message.externalId);
    const cursor = async () =>
      (await harness.deps.db.selectFrom('pull_cursors').select('cursor').where('channel_id', '=', channel.id).executeTakeFirst())?.cursor;
    polled.queueUpdate(update(500, 'one'));
    polled.queueUpdate({ update_id: 501, message: { message_id: 'not a number' } });
    polled.queueUpdate(update(502, 'two'));
    let loops = startPullLoops(harness.deps, { exclusive: false, rescanMs: 100 });
    try {
      await eventually(() => ids().length === 2);
      expect(polled.calls[0]?.method).toBe('deleteWebhook');
      await eventually(async () => (await cursor())?.offset === 503);
      await loops.stop();
      // Stopped between polls: what comes meanwhile is taken after the restart, from the saved offset.
      polled.queueUpdate(update(503, 'three'));
      loops = startPullLoops(harness.deps, { exclusive: false, rescanMs: 100 });
      await eventually(() => ids().length === 3);
      await new Promise((r) => setTimeout(r, 300));
      expect(ids()).toEqual(['1111111:500', '1111111:502', '1111111:503']);
      expect(harness.logs()).toContain('Telegram update skipped');
    } finally {
      await loops.stop();
      await polled.close();
    }
  });

  it('uploads an agent image from the attachment store and splits a long text', async () => {
    const ctx = await channelContext(harness);
    const png = telegramFiles.AgACAgQAAxkBAAIBX2PhotoLarge!.bytes;
    const stored = await ctx.attachments.put({ owner: 'agent:1', name: 'label.png', bytes: png });
    const before = fake.sent().length;
    const id = await telegram.send(
      outbound([
        { type: 'image', attachmentId: stored.id, caption: 'Your label' },
        { type: 'text', text: 'x'.repeat(5000) },
      ]),
      ctx,
    );
    const calls = fake.sent().slice(before);
    expect(calls.map((c) => c.method)).toEqual(['sendPhoto', 'sendMessage', 'sendMessage']);
    expect(calls[0]!.params).toMatchObject({ chat_id: '1111111', caption: 'Your label', photo: { name: 'label.png', type: 'image/png' } });
    expect(calls[0]!.params.photo.bytes.equals(png)).toBe(true);
    expect(calls[1]!.params.text).toHaveLength(4096);
    expect(calls[2]!.params.text).toHaveLength(904);
    expect(id).toMatch(/^1111111:\d+$/);
  });

  it("sends a browser's voice message as a Telegram voice note (Opus in OGG) with its length", async () => {
    const ctx = await channelContext(harness);
    const webm = readFileSync(new URL('../web/fixtures/voice.webm', import.meta.url));
    const voice = await ctx.attachments.put({ owner: 'agent:1', name: 'voice.webm', bytes: webm, audio: true, durationMs: 2040 });
    const before = fake.sent().length;
    await telegram.send(outbound([{ type: 'audio', attachmentId: voice.id, duration: 2.04 }]), ctx);
    const [call] = fake.sent().slice(before);
    if (await converterAvailable()) {
      expect(call).toMatchObject({ method: 'sendVoice', params: { chat_id: '1111111', duration: '2', voice: { name: 'voice.ogg', type: 'audio/ogg' } } });
      expect(await fileTypeFromBuffer(call!.params.voice.bytes)).toMatchObject({ mime: 'audio/ogg; codecs=opus' });
    } else {
      // Without ffmpeg Telegram gets the recording as a file.
      expect(call).toMatchObject({ method: 'sendDocument', params: { document: { name: 'voice.webm' } } });
    }
  });

  it('tells the agent when the customer blocked the bot, and retries a rate limit', async () => {
    const ctx = await channelContext(harness);
    fake.blocked.add('777');
    const blocked = await telegram.send(outbound([{ type: 'text', text: 'hello' }], '777'), ctx).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(ConnectorError);
    expect(blocked).toMatchObject({ retryable: false, code: '403' });
    expect((blocked as Error).message).toMatch(/blocked the bot/);
    fake.failNext(TELEGRAM_ERRORS.tooManyRequests(7));
    const limited = await telegram.send(outbound([{ type: 'text', text: 'hello' }]), ctx).catch((e: unknown) => e);
    expect(limited).toMatchObject({ retryable: true, code: '429' });
    expect((limited as Error).message).toContain('retry after 7 s');
  });
});
