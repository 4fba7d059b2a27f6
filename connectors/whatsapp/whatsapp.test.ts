import { readFileSync } from 'node:fs';
import { fileTypeFromBuffer } from 'file-type';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converterAvailable } from '../../core/attachments/convert-audio.js';
import { ConnectorError } from '../../core/connector/errors.js';
import { channelContext, openHarness, type Harness } from '../../core/connector/testkit/index.js';
import type { ContentPart, OutboundEnvelope } from '../../core/domain/messages.js';
import { fakeGraph, hubSignature, type FakeGraph } from '../../test/fakes/graph-api.js';
import { realServices } from '../../test/support/connectors.js';
import { eventually } from '../../test/support/services.js';
import { listTemplates } from './api.js';
import whatsapp from './connector.js';
import { whatsappFixtures as f, whatsappMedia } from './fixtures/index.js';
import { SIGNATURE_HEADER } from './inbound.js';
import { TEMPLATE_EVENT } from './send.js';
import { customerWrites } from './fixtures/customer.js';

const APP_SECRET = 'meta-app-secret-0123456789abcdef';
const VERIFY_TOKEN = 'verify-me-please';

describe('WhatsApp channel', () => {
  let fake: FakeGraph;
  let harness: Harness;

  beforeAll(async () => {
    fake = await fakeGraph();
    for (const [id, media] of Object.entries(whatsappMedia)) fake.addMedia(id, media.bytes, media.mimeType);
    harness = await openHarness(
      whatsapp,
      {
        accessToken: fake.token,
        appSecret: APP_SECRET,
        verifyToken: VERIFY_TOKEN,
        phoneNumberId: fake.phoneNumberId,
        businessAccountId: fake.businessAccountId,
        apiBaseUrl: fake.url,
      },
      realServices,
    );
  });
  afterAll(async () => {
    await harness?.close();
    await fake?.close();
  });

  const post = (raw: string | Buffer, signature: string | null) =>
    harness.request(`/hooks/${harness.channel.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { [SIGNATURE_HEADER]: signature } : {}) },
      body: new Uint8Array(Buffer.from(raw)),
    });
  const deliver = (body: unknown) => {
    const raw = JSON.stringify(body);
    return post(raw, hubSignature(APP_SECRET, raw));
  };
  const outbound = (parts: ContentPart[], to: string): OutboundEnvelope => ({
    version: 1,
    tenantId: harness.tenantId,
    channelId: harness.channel.id,
    channelType: 'whatsapp',
    messageId: '1',
    conversationId: '00000000-0000-4000-8000-000000000001',
    recipient: { externalId: to },
    threadKey: '',
    parts,
  });

  it('answers Meta’s URL check with hub.challenge only for the right verify token', async () => {
    const check = (token: string) => harness.request(`/hooks/${harness.channel.id}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`);
    const ok = await check(VERIFY_TOKEN);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await check('guess')).status).toBe(403);
  });

  it('checks X-Hub-Signature-256 over the raw bytes: the same JSON re-spaced, or a wrong secret, is refused unparsed', async () => {
    const raw = JSON.stringify(f.text);
    const before = harness.published.length;
    expect((await post(JSON.stringify(f.text, null, 2), hubSignature(APP_SECRET, raw))).status).toBe(403);
    expect((await post('{broken', hubSignature('another-app-secret-000000', '{broken'))).status).toBe(403);
    expect((await post(raw, null)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 50));
    expect(harness.published.length).toBe(before);
    expect((await post(raw, hubSignature(APP_SECRET, raw))).status).toBe(200);
  });

  it('downloads customer media by id (media URL, then bytes, both with the token) into the attachment store', async () => {
    const before = harness.published.length;
    expect((await deliver(f.document)).status).toBe(200);
    await eventually(() => harness.published.length > before);
    const message = harness.published.at(-1)!.message;
    expect(message).toMatchObject({
      externalId: f.document.entry[0].changes[0].value.messages[0].id,
      sender: { externalId: '16505551234', displayName: 'Sheena Nelson', phone: '+16505551234' },
    });
    const part = message.parts[0] as Extract<ContentPart, { attachmentId?: string }>;
    expect(part).toMatchObject({ type: 'file', providerId: '1003383421387257', name: 'invoice.pdf' });
    const stored = await (await channelContext(harness)).attachments.read(part.attachmentId!);
    expect(stored.bytes.equals(whatsappMedia['1003383421387257']!.bytes)).toBe(true);
    expect(stored.file.mimeType).toBe('application/pdf');
  });

  it('turns a button reply into the chosen text and a reply event', async () => {
    const before = harness.published.length;
    await deliver(f.interactive);
    await eventually(() => harness.published.length > before);
    expect(harness.published.at(-1)!.message.parts).toEqual([
      { type: 'text', text: 'Track my order' },
      {
        type: 'event',
        name: 'reply.chosen',
        data: { id: 'track-order', title: 'Track my order', inReplyTo: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3RkM4NjUyOUE1NzcwNzE4QjYA' },
      },
    ]);
  });

  it('turns a shared contact card into text the agent can read', async () => {
    const before = harness.published.length;
    await deliver(f.contacts);
    await eventually(() => harness.published.length > before);
    expect(harness.published.at(-1)!.message.parts).toEqual([{ type: 'text', text: 'Shared a contact: Li Lei, +86 138 0013 8000' }]);
  });

  it('ignores messages for another phone number of the same Meta app', async () => {
    const other = structuredClone(f.text);
    other.entry[0].changes[0].value.metadata.phone_number_id = '999999999999';
    const before = harness.published.length;
    expect((await deliver(other)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(harness.published.length).toBe(before);
  });

  it('refuses a free-form reply outside the 24-hour window with the reason, and sends a template there', async () => {
    const ctx = await channelContext(harness);
    const before = fake.messages.length;
    const refused = await whatsapp.send(outbound([{ type: 'text', text: 'Any news?' }], '4915100000000'), ctx).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectorError);
    expect(refused).toMatchObject({ retryable: false, code: 'outside_window' });
    expect((refused as Error).message).toMatch(/within 24 hours .* approved template/);
    expect(fake.messages.length).toBe(before);

    const template = { type: 'event' as const, name: TEMPLATE_EVENT, data: { name: 'order_update', language: 'en_US', parameters: ['Li', 'A-1'] } };
    const wamid = await whatsapp.send(outbound([template], '4915100000000'), ctx);
    expect(fake.messages.at(-1)).toMatchObject({
      wamid,
      body: {
        to: '4915100000000',
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Li' },
                { type: 'text', text: 'A-1' },
              ],
            },
          ],
        },
      },
    });
    expect(await listTemplates(ctx)).toEqual([expect.objectContaining({ name: 'order_update', language: 'en_US', category: 'UTILITY' })]);
  });

  it('replies inside the window: uploads an agent image first, then sends it by media id', async () => {
    const ctx = await channelContext(harness);
    const waId = await customerWrites(harness, APP_SECRET, '4915122222222');
    const png = whatsappMedia['1003383421387256']!.bytes;
    const stored = await ctx.attachments.put({ owner: 'agent:1', name: 'label.png', bytes: png });
    await whatsapp.send(outbound([{ type: 'image', attachmentId: stored.id, caption: 'Your label' }], waId), ctx);
    const upload = fake.uploads.at(-1)!;
    expect(upload.bytes.equals(png)).toBe(true);
    expect(upload.declaredType).toBe('image/png');
    expect(fake.messages.at(-1)!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: waId,
      type: 'image',
      image: { id: upload.id, caption: 'Your label' },
    });
  });

  it("sends a browser's voice message as a WhatsApp voice message (Opus in OGG), and an M4A as plain audio", async () => {
    const ctx = await channelContext(harness);
    const waId = await customerWrites(harness, APP_SECRET, '4915133333333');
    const webm = readFileSync(new URL('../web/fixtures/voice.webm', import.meta.url));
    const voice = await ctx.attachments.put({ owner: 'agent:1', name: 'voice.webm', bytes: webm, audio: true, durationMs: 2000 });
    if (await converterAvailable()) {
      await whatsapp.send(outbound([{ type: 'audio', attachmentId: voice.id, duration: 2 }], waId), ctx);
      const upload = fake.uploads.at(-1)!;
      expect(upload.declaredType).toBe('audio/ogg');
      expect(await fileTypeFromBuffer(upload.bytes)).toMatchObject({ mime: 'audio/ogg; codecs=opus' });
      expect(fake.messages.at(-1)!.body).toMatchObject({ to: waId, type: 'audio', audio: { id: upload.id, voice: true } });
    } else {
      // Without ffmpeg the agent is told why, and nothing is sent.
      await expect(whatsapp.send(outbound([{ type: 'audio', attachmentId: voice.id }], waId), ctx)).rejects.toThrow(/install ffmpeg/);
    }
    const m4a = readFileSync(new URL('../web/fixtures/voice.m4a', import.meta.url));
    const song = await ctx.attachments.put({ owner: 'agent:1', name: 'voice.m4a', bytes: m4a, audio: true });
    await whatsapp.send(outbound([{ type: 'audio', attachmentId: song.id }], waId), ctx);
    expect(fake.uploads.at(-1)).toMatchObject({ declaredType: 'audio/mp4', name: 'voice.m4a' });
    expect(fake.messages.at(-1)!.body).toMatchObject({ type: 'audio', audio: { id: fake.uploads.at(-1)!.id } });
    expect(fake.messages.at(-1)!.body.audio.voice).toBeUndefined();
  });

  it('moves our message to delivered and read on receipts, and to failed with the reason WhatsApp gives', async () => {
    const waId = await customerWrites(harness, APP_SECRET, '4915133333333');
    const db = harness.deps.db;
    const inbound = await db
      .selectFrom('messages')
      .select(['conversation_id'])
      .where('channel_id', '=', harness.channel.id)
      .where('direction', '=', 'in')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const reply = (wamid: string) =>
      db
        .insertInto('messages')
        .values({
          tenant_id: harness.tenantId,
          conversation_id: inbound.conversation_id,
          channel_id: harness.channel.id,
          direction: 'out',
          sender_type: 'agent',
          sender_id: null,
          external_id: null,
          client_id: null,
          content: JSON.stringify([{ type: 'text', text: 'hi' }]),
          status: 'sent',
          error: null,
          provider_message_id: wamid,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const receipt = (fixture: Record<string, any>, wamid: string) => {
      const body = structuredClone(fixture);
      Object.assign(body.entry[0].changes[0].value.statuses[0], { id: wamid, recipient_id: waId });
      return deliver(body);
    };
    const status = async (id: string) => db.selectFrom('messages').select(['status', 'error']).where('id', '=', id).executeTakeFirstOrThrow();

    const good = await reply('wamid.good-1');
    expect((await receipt(f.delivered, 'wamid.good-1')).status).toBe(200);
    expect(await status(good.id)).toEqual({ status: 'delivered', error: null });
    await receipt(f.read, 'wamid.good-1');
    // A late "delivered" never moves it back.
    await receipt(f.delivered, 'wamid.good-1');
    expect((await status(good.id)).status).toBe('read');

    const bad = await reply('wamid.bad-1');
    await receipt(f.failed, 'wamid.bad-1');
    const failed = await status(bad.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/More than 24 hours .* template/);
    const events = await db.selectFrom('outbox').select('payload').where('kind', '=', 'message.updated').execute();
    expect(events.map((e) => e.payload)).toContainEqual(expect.objectContaining({ messageId: bad.id, status: 'failed' }));
  });
});
