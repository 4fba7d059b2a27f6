import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../core/connector/testkit/index.js';
import { FakeWechatApi } from '../../test/fakes/wechat-api.js';
import { PNG_1X1, wechatPush, type PushMode } from '../../test/fakes/wechat-callbacks.js';
import { wechatSignature } from '../../core/wechat/crypto.js';
import { MemoryBus } from '../../core/bus/memory/memory-bus.js';
import { freshDatabase } from '../../test/support/services.js';
import { runPipeline } from '../../test/support/pipeline.js';
import wechatOa from './connector.js';
import { wechatXml } from './fixtures/index.js';

const account = {
  appId: 'wx2c2769f8efd9abc2',
  appSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  token: 'spamtest',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

describe('WeChat Official Account callbacks', () => {
  let fake: FakeWechatApi;
  const harnesses: Partial<Record<PushMode, Harness>> = {};

  let database: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    fake = await FakeWechatApi.start(account.appId, account.appSecret);
    // One database for the three channels (one per mode); the in-process bus: this file is about the callbacks.
    database = await freshDatabase();
    for (const mode of ['plaintext', 'compatible', 'safe'] as const) {
      const bus = new MemoryBus();
      harnesses[mode] = await openHarness(wechatOa, { ...account, mode, apiBaseUrl: fake.url }, async () => ({
        db: database.db,
        bus,
        close: () => bus.close(),
      }));
    }
  }, 120_000);
  afterAll(async () => {
    for (const harness of Object.values(harnesses)) await harness.close();
    await fake.close();
    await database.drop();
  });

  const post = (mode: PushMode, xml: string, pushMode: PushMode = mode, options: Parameters<typeof wechatPush>[3] = {}) => {
    const harness = harnesses[mode]!;
    const { query, body } = wechatPush(account, xml, pushMode, options);
    return harness.request(`/hooks/${harness.channel.id}?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  };
  const published = async (mode: PushMode, before: number) => {
    await new Promise((r) => setTimeout(r, 30));
    return harnesses[mode]!.published.slice(before);
  };

  it('answers the server URL check with echostr only when the signature matches', async () => {
    const harness = harnesses.safe!;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = wechatSignature(account.token, timestamp, '1320562132');
    const ok = await harness.request(`/hooks/${harness.channel.id}?signature=${signature}&timestamp=${timestamp}&nonce=1320562132&echostr=5838479218127813673`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('5838479218127813673');
    const bad = await harness.request(`/hooks/${harness.channel.id}?signature=${'0'.repeat(40)}&timestamp=${timestamp}&nonce=1320562132&echostr=1`);
    expect(bad.status).toBe(403);
    expect((await harness.request(`/hooks/${harness.channel.id}?echostr=1`)).status).toBe(401);
  });

  it('takes plaintext pushes in the plaintext mode, and both kinds in the compatible mode', async () => {
    for (const [mode, push] of [
      ['plaintext', 'plaintext'],
      ['compatible', 'plaintext'],
      ['compatible', 'compatible'],
    ] as const) {
      const before = harnesses[mode]!.published.length;
      const answer = await post(mode, wechatXml.text, push);
      expect(answer.status, `${mode} channel, ${push} push`).toBe(200);
      expect(await answer.text()).toBe('success');
      const [envelope] = await published(mode, before);
      expect(envelope!.message).toMatchObject({
        externalId: '6054768590064713728',
        sender: { externalId: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs' },
        parts: [{ type: 'text', text: 'this is a test' }],
        sentAt: '2012-09-28T11:31:00.000Z',
      });
    }
  });

  it('refuses a plaintext push to a channel in the safe mode, and a stale or forged one anywhere', async () => {
    const before = harnesses.safe!.published.length;
    expect((await post('safe', wechatXml.text, 'plaintext')).status).toBe(403);
    expect((await post('safe', wechatXml.text, 'safe', { timestamp: String(Math.floor(Date.now() / 1000) - 3600) })).status).toBe(403);
    expect((await post('plaintext', wechatXml.text, 'plaintext', { signWith: 'another-token' })).status).toBe(403);
    // A right URL signature over a body encrypted with another key: the msg_signature does not match.
    const harness = harnesses.safe!;
    const { query, body } = wechatPush(account, wechatXml.text, 'safe');
    const tampered = body.replace(/<Encrypt><!\[CDATA\[(.)/, (_m, c: string) => `<Encrypt><![CDATA[${c === 'A' ? 'B' : 'A'}`);
    expect((await harness.request(`/hooks/${harness.channel.id}?${query}`, { method: 'POST', body: tampered })).status).toBe(403);
    expect(await published('safe', before)).toHaveLength(0);
  });

  it('normalizes every message kind and the conversation events, and drops system notices', async () => {
    const cases: [string, unknown][] = [
      [wechatXml.location, [{ type: 'location', latitude: 23.134521, longitude: 113.358803, label: '位置信息' }]],
      [wechatXml.link, [{ type: 'link', url: 'https://mp.weixin.qq.com', title: '公众平台官网链接', description: '公众平台官网链接' }]],
      [wechatXml.shortvideo, [{ type: 'video', providerId: 'media_id' }]],
      [wechatXml.subscribeByQr, [{ type: 'event', name: 'wechat.subscribe', data: { key: '123123', ticket: 'TICKET' } }]],
      [wechatXml.scan, [{ type: 'event', name: 'wechat.scan', data: { key: 'SCENE_VALUE', ticket: 'TICKET' } }]],
      [wechatXml.click, [{ type: 'event', name: 'wechat.click', data: { key: 'EVENTKEY' } }]],
      [wechatXml.view, [{ type: 'event', name: 'wechat.view', data: { key: 'www.qq.com' } }]],
      [wechatXml.unsubscribe, [{ type: 'event', name: 'wechat.unsubscribe', data: {} }]],
      [wechatXml.location_event, [{ type: 'event', name: 'wechat.location', data: { latitude: 23.137466, longitude: 113.352425, precision: '119.385040' } }]],
    ];
    for (const [xml, parts] of cases) {
      const before = harnesses.safe!.published.length;
      expect((await post('safe', xml)).status).toBe(200);
      const [envelope] = await published('safe', before);
      expect(envelope?.message.parts, xml).toEqual(parts);
    }
    const click = harnesses.safe!.published.find((e) => e.message.parts[0]?.type === 'event' && e.message.parts[0].name === 'wechat.click')!.message;
    expect(click.externalId).toBe('oyORnuP8q7ou2gfYjqLzSIWZf0rs:1348831865:CLICK');

    const before = harnesses.safe!.published.length;
    const receipt = await post('safe', wechatXml.templateReceipt);
    expect(receipt.status).toBe(200);
    expect(await receipt.text()).toBe('success');
    expect(await published('safe', before)).toHaveLength(0);
  });

  it('downloads a follower’s image by MediaId into the attachment store', async () => {
    const mediaId = fake.addMedia(PNG_1X1, 'image/png', 'photo.png');
    const before = harnesses.safe!.published.length;
    expect((await post('safe', wechatXml.image.replace('media_id', mediaId))).status).toBe(200);
    const [envelope] = await published('safe', before);
    const part = envelope!.message.parts[0] as { attachmentId: string };
    expect(part).toMatchObject({ type: 'image', providerId: mediaId, mimeType: 'image/png', size: PNG_1X1.length });
    const { db } = harnesses.safe!.deps;
    const file = await db.selectFrom('attachments').selectAll().where('id', '=', part.attachmentId).executeTakeFirstOrThrow();
    expect(file).toMatchObject({ mime_type: 'image/png', owner: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs' });
  });

  it('lets a routing rule send a menu click to the group its EventKey names', async () => {
    const harness = harnesses.safe!;
    const { db } = harness.deps;
    const group = await db.insertInto('groups').values({ tenant_id: harness.tenantId, name: 'After-sales' }).returning('id').executeTakeFirstOrThrow();
    await db
      .insertInto('routing_rules')
      .values({
        tenant_id: harness.tenantId,
        name: 'After-sales menu',
        position: 1,
        conditions: JSON.stringify([{ type: 'event', name: 'wechat.click', key: 'V1001_AFTER_SALES' }]),
        actions: JSON.stringify({ groupId: group.id }),
      })
      .execute();
    const before = harness.published.length;
    const click = wechatXml.click.replace('EVENTKEY', 'V1001_AFTER_SALES').replace('oyORnuP8q7ou2gfYjqLzSIWZf0rs', 'oMenuClicker');
    expect((await post('safe', click)).status).toBe(200);
    const [envelope] = await published('safe', before);
    await runPipeline(db, [envelope!]);
    const conversation = await db
      .selectFrom('conversations as c')
      .innerJoin('contact_identities as i', 'i.contact_id', 'c.contact_id')
      .select('c.group_id')
      .where('i.external_id', '=', 'oMenuClicker')
      .executeTakeFirstOrThrow();
    expect(conversation.group_id).toBe(group.id);
  });
});
