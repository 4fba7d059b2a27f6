import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelContext, openHarness, type Harness } from '../../core/connector/testkit/index.js';
import { ConnectorError } from '../../core/connector/errors.js';
import type { InboundEnvelope, OutboundEnvelope } from '../../core/domain/messages.js';
import { runPipeline } from '../../test/support/pipeline.js';
import type { Delivery } from '../../core/bus/bus.js';
import { deliverOutbound } from '../../core/connector/outbound-worker.js';
import { queueReply } from '../../core/conversations/reply.js';
import { realServices } from '../../test/support/connectors.js';
import { signedWeiboQuery, startFakeWeibo, weiboPushBody, type FakeWeibo } from '../../test/fakes/weibo.js';
import weibo from './connector.js';
import { weiboFixtureBytes, weiboFixtureNames } from './fixtures/index.js';
import { parseWeiboTime } from './normalize.js';
import { checkWeiboSignature, weiboSignature } from './signature.js';

const APP_SECRET = 'weibo-app-secret-0123456789';
const ACCOUNT = '1902538057';

describe('weibo', () => {
  let harness: Harness;
  let fake: FakeWeibo;

  beforeAll(async () => {
    fake = await startFakeWeibo();
    harness = await openHarness(weibo, { appSecret: APP_SECRET, accessToken: fake.accessToken, apiBaseUrl: fake.url, uploadBaseUrl: fake.url }, realServices);
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
    await fake?.close();
  }, 60_000);

  async function push(body: Buffer, query = signedWeiboQuery(APP_SECRET)) {
    const before = harness.published.length;
    const started = performance.now();
    const response = await harness.request(`/hooks/${harness.channel.id}/?${new URLSearchParams(query)}`, { method: 'POST', body: new Uint8Array(body) });
    return { response, ms: performance.now() - started, published: harness.published.slice(before) };
  }

  /** Runs envelopes through the router as its consumer would, one batch each. */
  async function route(envelopes: InboundEnvelope[]) {
    await runPipeline(harness.deps.db, envelopes);
  }

  const storedFrom = async (fanId: string) =>
    harness.deps.db
      .selectFrom('messages as m')
      .innerJoin('contact_identities as ci', (j) => j.onRef('ci.contact_id', '=', 'm.sender_id').onRef('ci.channel_id', '=', 'm.channel_id'))
      .select(['m.external_id', 'm.content', 'm.conversation_id'])
      .where('m.channel_id', '=', harness.channel.id)
      .where('ci.external_id', '=', fanId)
      .execute();

  const reply = (fanId: string, parts: OutboundEnvelope['parts']): OutboundEnvelope => ({
    version: 1,
    tenantId: harness.tenantId,
    channelId: harness.channel.id,
    channelType: 'weibo',
    messageId: String(Math.floor(Math.random() * 1e9)),
    conversationId: '00000000-0000-4000-8000-000000000001',
    recipient: { externalId: fanId },
    threadKey: '',
    parts,
  });

  const fanSays = async (fanId: string, fields: Partial<Parameters<typeof weiboPushBody>[0]> = {}) => {
    const { response, published } = await push(
      weiboPushBody({ type: 'text', senderId: fanId, receiverId: ACCOUNT, createdAt: new Date(), text: 'hi', ...fields }),
    );
    expect(response.status).toBe(200);
    await route(published);
    return published;
  };

  it('signs like the documented example: appsecret xyz123xyz, timestamp 1397022061823, nonce 57155157', () => {
    expect(weiboSignature('xyz123xyz', '1397022061823', '57155157')).toBe('90e4c22c90a58f26526c2dd5b6c56c8822edeaa1');
    const query = { signature: '90e4c22c90a58f26526c2dd5b6c56c8822edeaa1', timestamp: '1397022061823', nonce: '57155157' };
    expect(checkWeiboSignature('xyz123xyz', query, 0)).toBe('ok');
    expect(checkWeiboSignature('xyz123xyz', query, 600)).toBe('stale');
    expect(checkWeiboSignature('xyz123xyz', { ...query, nonce: '57155158' }, 0)).toBe('mismatch');
  });

  it("answers Weibo's URL check with echostr unchanged, and refuses it with a wrong signature", async () => {
    const query = new URLSearchParams({ ...signedWeiboQuery(APP_SECRET), echostr: 'dnPdpTZz85' });
    const ok = await harness.request(`/hooks/${harness.channel.id}/?${query}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('dnPdpTZz85');
    const bad = await harness.request(`/hooks/${harness.channel.id}/?${new URLSearchParams({ ...signedWeiboQuery('wrong-secret'), echostr: 'x' })}`);
    expect(bad.status).toBe(403);
    expect(await bad.text()).not.toContain('x"');
  });

  it('acknowledges every documented push with an empty 200 after the bus confirmed, well inside 5 seconds', async () => {
    const names: string[] = [];
    for (const name of weiboFixtureNames) {
      const { response, ms, published } = await push(weiboFixtureBytes(name));
      expect(response.status, name).toBe(200);
      expect(await response.text()).toBe('');
      expect(ms).toBeLessThan(5000);
      expect(published).toHaveLength(1);
      names.push(published[0]!.message.parts.map((p) => (p.type === 'event' ? p.name : p.type)).join('+'));
    }
    expect(names).toEqual([
      'text',
      'location',
      'audio',
      'image',
      'text+weibo.mention',
      'weibo.follow',
      'weibo.unfollow',
      'weibo.subscribe',
      'weibo.unsubscribe',
      'weibo.scan',
      'weibo.click',
      'weibo.view',
    ]);
  });

  it('keeps int64 ids exactly, as strings', async () => {
    const { published } = await push(weiboFixtureBytes('text-large-ids'));
    const message = published[0]!.message;
    expect(message.sender.externalId).toBe('4611686018427387905');
    expect(message.externalId.startsWith('4611686018427387905:')).toBe(true);
    const image = (await push(weiboPushBody({ type: 'image', senderId: '4611686018427387905', receiverId: ACCOUNT, createdAt: new Date(), data: {} })))
      .response;
    expect(image.status).toBe(400);
    const raw = Buffer.from(weiboFixtureBytes('image').toString().replace('821804469', '9223372036854775807'));
    expect((await push(raw)).published[0]!.message.parts[0]).toMatchObject({ type: 'image', providerId: '9223372036854775807' });
  });

  it('downloads a fan’s picture and voice message into the attachment store, once across Weibo’s retries', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
    const amr = Buffer.concat([Buffer.from('#!AMR\n'), Buffer.alloc(32, 0x3c)]);
    const picture = fake.addMedia(png, 'image/png');
    const voice = fake.addMedia(amr, 'audio/amr');
    const fan = '3100000077';
    const imageBody = weiboPushBody({ type: 'image', senderId: fan, receiverId: ACCOUNT, createdAt: new Date(), data: { vfid: picture, tovfid: picture } });
    const first = await push(imageBody);
    const retry = await push(imageBody);
    const audio = await push(
      weiboPushBody({ type: 'voice', senderId: fan, receiverId: ACCOUNT, createdAt: new Date(Date.now() + 1000), data: { vfid: voice, tovfid: voice } }),
    );
    const [image, again, sound] = [first, retry, audio].map(
      (p) => p.published[0]!.message.parts[0] as { type: string; attachmentId?: string; providerId?: string; mimeType?: string },
    );
    expect(image).toMatchObject({ type: 'image', providerId: picture, mimeType: 'image/png', size: png.length });
    expect(again!.attachmentId).toBe(image!.attachmentId);
    expect(sound).toMatchObject({ type: 'audio', providerId: voice, mimeType: 'audio/amr' });
    const ctx = await channelContext(harness);
    expect((await ctx.attachments.read(image!.attachmentId!)).bytes.equals(png)).toBe(true);
    expect((await ctx.attachments.read(sound!.attachmentId!)).bytes.equals(amr)).toBe(true);
    // The download went with the access token.
    expect(fake.requests.filter((r) => r.path === '/2/mss/msget').every((r) => r.query.access_token === fake.accessToken)).toBe(true);
    // A file Weibo no longer has: the message still arrives, naming the file by its id.
    const gone = await push(
      weiboPushBody({ type: 'image', senderId: fan, receiverId: ACCOUNT, createdAt: new Date(Date.now() + 2000), data: { vfid: '1', tovfid: '1' } }),
    );
    expect(gone.response.status).toBe(200);
    expect(gone.published[0]!.message.parts[0]).toEqual({ type: 'image', providerId: '1' });
  });

  it("stores Weibo's retries of one push once, and two messages of the same second twice", async () => {
    const at = new Date();
    const body = weiboPushBody({ type: 'text', senderId: '3100000001', receiverId: ACCOUNT, createdAt: at, text: 'where is my parcel?' });
    const first = await push(body);
    const retry = await push(body);
    const other = await push(weiboPushBody({ type: 'text', senderId: '3100000001', receiverId: ACCOUNT, createdAt: at, text: 'order 42' }));
    await route([...first.published, ...retry.published, ...other.published]);
    const stored = await storedFrom('3100000001');
    expect(stored.map((m) => (m.content as { text: string }[])[0]!.text).sort()).toEqual(['order 42', 'where is my parcel?']);
    expect(new Set(stored.map((m) => m.conversation_id)).size).toBe(1);
  });

  it('reads the time zone in created_at', () => {
    expect(parseWeiboTime('Mon Jul 16 18:09:20 +0800 2012')!.toISOString()).toBe('2012-07-16T10:09:20.000Z');
    expect(parseWeiboTime('Mon Jul 16 18:09:20 2012')).toBeUndefined();
  });

  it('replies with text, articles and a position inside the window, form-encoded with the access token', async () => {
    await fanSays('3200000001');
    const ctx = await channelContext(harness);
    const receipt = await weibo.send(
      reply('3200000001', [
        { type: 'text', text: '您好，订单已发货' },
        { type: 'link', url: 'https://brand.example/track/42', title: 'Track order 42', description: 'Shipped today' },
        { type: 'location', latitude: 39.982525, longitude: 116.308586 },
      ]),
      ctx,
    );
    const sent = fake.replies.filter((r) => r.receiverId === '3200000001');
    expect(sent.map((r) => r.type)).toEqual(['text', 'articles', 'position']);
    expect(sent[0]!.data).toEqual({ text: '您好，订单已发货' });
    expect(sent[1]!.data).toEqual({
      articles: [{ display_name: 'Track order 42', summary: 'Shipped today', image: '', url: 'https://brand.example/track/42' }],
    });
    expect(sent[2]!.data).toEqual({ longitude: '116.308586', latitude: '39.982525' });
    expect(sent[0]!.saveSenderBox).toBe('1');
    expect(typeof receipt === 'string' ? receipt : receipt.id).toBe(sent.map((r) => r.id).join(','));
  });

  async function refusal(fanId: string, parts: OutboundEnvelope['parts']) {
    const before = fake.requests.length;
    const error = await weibo.send(reply(fanId, parts), await channelContext(harness)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).retryable).toBe(false);
    // Refused before anything went to Weibo.
    expect(fake.requests.length).toBe(before);
    return (error as ConnectorError).message;
  }

  it("shows the agent why a reply cannot go: through the outbound worker the message fails at once with Weibo's rule", async () => {
    const db = harness.deps.db;
    /** The agent replies in the fan's conversation; the outbound worker takes the delivery as the bus would hand it over. */
    const agentReplies = async (fanId: string, text: string) => {
      const conversationId = (await storedFrom(fanId))[0]!.conversation_id;
      const { message } = await queueReply(db, {
        tenantId: harness.tenantId,
        conversationId,
        sender: { type: 'agent', id: null },
        parts: [{ type: 'text', text }],
      });
      const row = await db.selectFrom('outbox').select('payload').where('exchange', '=', 'outbound').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect((row.payload as { messageId: string }).messageId).toBe(message.id);
      const body = Buffer.from(JSON.stringify(row.payload));
      const delivery: Delivery = {
        body,
        exchange: 'outbound',
        routingKey: `weibo.${harness.channel.id}`,
        messageId: undefined,
        headers: {},
        attempt: 0,
        redelivered: false,
        json: <T>() => JSON.parse(body.toString()) as T,
      };
      await deliverOutbound(harness.deps, delivery);
      return db.selectFrom('messages').select(['status', 'error', 'provider_message_id']).where('id', '=', message.id).executeTakeFirstOrThrow();
    };

    await fanSays('3300000001', { createdAt: new Date(Date.now() - 50 * 3600_000) });
    const late = await agentReplies('3300000001', 'Sorry for the wait');
    expect(late.status).toBe('failed');
    expect(late.error).toMatch(/^The 48-hour reply window closed at /);

    await fanSays('3300000002');
    const inTime = await agentReplies('3300000002', 'Your parcel ships today');
    expect(inTime.status).toBe('sent');
    expect(inTime.provider_message_id).toBe(fake.replies.at(-1)!.id);
  });

  it('refuses, before sending and for good, a reply longer than 300 characters, saying so', async () => {
    await fanSays('3200000002');
    const message = await refusal('3200000002', [{ type: 'text', text: '长'.repeat(301) }]);
    expect(message).toContain('301 characters');
    expect(message).toContain('at most 300');
    await expect(weibo.send(reply('3200000002', [{ type: 'text', text: '长'.repeat(300) }]), await channelContext(harness))).resolves.toBeTruthy();
  });

  it('refuses replies outside the 48-hour window, after an unfollow, and a second answer to a mention', async () => {
    await fanSays('3200000003', { createdAt: new Date(Date.now() - 49 * 3600_000) });
    expect(await refusal('3200000003', [{ type: 'text', text: 'hello?' }])).toMatch(/48-hour reply window closed at .*writes again/);

    await fanSays('3200000004');
    await fanSays('3200000004', {
      type: 'event',
      text: '事件消息',
      data: { subtype: 'unfollow', key: '', ticket: '' },
      createdAt: new Date(Date.now() + 1000),
    });
    expect(await refusal('3200000004', [{ type: 'text', text: 'please stay' }])).toContain('unfollowed');

    expect(await refusal('3200000005', [{ type: 'text', text: 'cold message' }])).toContain('has not');

    // A mention: one reply is allowed, the second is refused.
    const [mention] = await fanSays('3200000006', { type: 'mention', text: '@品牌客服 还没发货' });
    await weibo.send(reply('3200000006', [{ type: 'text', text: '马上查' }]), await channelContext(harness));
    const stored = await harness.deps.db
      .selectFrom('messages')
      .select(['conversation_id', 'tenant_id', 'channel_id'])
      .where('channel_id', '=', harness.channel.id)
      .where('external_id', '=', mention!.message.externalId)
      .executeTakeFirstOrThrow();
    await harness.deps.db
      .insertInto('messages')
      .values({
        ...stored,
        direction: 'out',
        sender_type: 'agent',
        sender_id: null,
        external_id: null,
        client_id: null,
        content: JSON.stringify([{ type: 'text', text: '马上查' }]),
        error: null,
        sent_at: null,
        status: 'sent',
      })
      .execute();
    expect(await refusal('3200000006', [{ type: 'text', text: 'and another thing' }])).toContain('one reply to an @mention');
    expect(await refusal('3200000002', [{ type: 'image', url: 'https://brand.example/a.png' }])).toContain('cannot carry image');
  });
});
