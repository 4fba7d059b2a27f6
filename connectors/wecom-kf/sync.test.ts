import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../core/bus/bus.js';
import { MemoryBus } from '../../core/bus/memory/memory-bus.js';
import { contextFor } from '../../core/connector/channel-context.js';
import { createChannel } from '../../core/connector/channels.js';
import { createHooksApp } from '../../core/connector/gateway.js';
import type { ChannelContext } from '../../core/connector/define.js';
import { aesKeyOf, encryptMessage, wechatSignature } from '../../core/wechat/crypto.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { runPipeline } from '../../test/support/pipeline.js';
import { FakeWecomApi } from '../../test/fakes/wecom-api.js';
import { PNG_1X1, wecomCallback } from '../../test/fakes/wechat-callbacks.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import { DATABASE_URL, eventually, freshDatabase } from '../../test/support/services.js';
import wecomKf, { type WecomKfConfig } from './connector.js';
import { CUSTOMER, kfSamples, OPEN_KFID, sendFailure } from './fixtures/index.js';
import { syncAccount } from './sync.js';

const account = {
  corpId: 'ww1436e0e65a779aee',
  secret: 'kf-secret-0123456789abcdef0123456789',
  token: 'kfToken2026',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

/**
 * A bus that records what it confirmed. With `dieAfter`, the process "is killed" the moment that
 * many messages were confirmed: the publish that got there fails, so the page's cursor is not saved.
 */
function recordingBus(inner: Bus, dieAfter = Number.POSITIVE_INFINITY): Bus & { confirmed: InboundEnvelope[] } {
  const confirmed: InboundEnvelope[] = [];
  return Object.assign(Object.create(inner) as Bus, {
    confirmed,
    publish: async (exchange: string, key: string, body: unknown, options?: unknown) => {
      if (confirmed.length >= dieAfter) throw new Error('the process was killed');
      await inner.publish(exchange as 'inbound', key, body as object, options as never);
      confirmed.push(body as InboundEnvelope);
      if (confirmed.length === dieAfter) throw new Error('the process was killed');
    },
  });
}

describe.skipIf(!DATABASE_URL)('WeCom customer service: pulling with sync_msg', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let fake: FakeWecomApi;
  let inner: MemoryBus;
  const secretKey = randomBytes(32);

  async function channel(settings: Record<string, unknown> = {}) {
    const deps = testDeps(database.db, inner, [wecomKf], { secretKey });
    const tenantId = await seedTenant(database.db);
    const { channel } = await createChannel(deps, tenantId, { type: 'wecom-kf', name: 'Service', config: { ...account, apiBaseUrl: fake.url, ...settings } });
    const row = await database.db.selectFrom('channels').selectAll().where('id', '=', channel.id).executeTakeFirstOrThrow();
    return { deps, row, tenantId, ctxWith: (bus: Bus): ChannelContext<WecomKfConfig> => contextFor({ ...deps, bus }, wecomKf, row) };
  }

  beforeAll(async () => {
    database = await freshDatabase('pg');
    fake = await FakeWecomApi.start(account.corpId, account.secret);
    inner = new MemoryBus();
  });
  afterAll(async () => {
    await inner?.close();
    await fake?.close();
    await database?.drop();
  });

  it('stores a batch of 1,000 with has_more exactly once across a process killed in the middle', async () => {
    const { ctxWith } = await channel({ syncLimit: 100 });
    const account1 = 'wkBatchAccount0000000000000001';
    for (let i = 0; i < 1000; i++) {
      fake.enqueue(account1, {
        msgid: `msg-${i}`,
        external_userid: `wmCustomer${i % 40}`,
        send_time: 1_700_000_000 + i,
        origin: 3,
        msgtype: 'text',
        text: { content: `question ${i}` },
      });
    }
    // The first process gets three pages through and is killed right after the bus confirmed the fourth,
    // before it could move the cursor past it.
    const first = recordingBus(inner, 400);
    await expect(syncAccount(ctxWith(first), account1, fake.callbackToken())).rejects.toThrow('killed');
    expect(first.confirmed).toHaveLength(400);
    // Another process takes the next callback and resumes from the cursor in the database.
    const second = recordingBus(inner);
    expect(await syncAccount(ctxWith(second), account1, fake.callbackToken())).toBe(700);
    expect(fake.syncCalls.at(-7)?.cursor).toBe(Buffer.from('300').toString('base64url'));

    const all = [...first.confirmed, ...second.confirmed];
    await runPipeline(database.db, all, 100);
    const stored = await database.db
      .selectFrom('messages')
      .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.count<string>('external_id').distinct().as('distinct')])
      .where('channel_id', '=', all[0]!.channelId)
      .where('direction', '=', 'in')
      .executeTakeFirstOrThrow();
    expect(Number(stored.count)).toBe(1000);
    expect(Number(stored.distinct)).toBe(1000);
    // The customer-service account is the thread; the callback's Token went with every page.
    expect(all[0]!.message).toMatchObject({ threadKey: account1, sender: { externalId: 'wmCustomer0' }, parts: [{ type: 'text', text: 'question 0' }] });
    expect(fake.syncCalls.slice(-7).every((c) => c.token?.startsWith('ENC') && c.limit === 100)).toBe(true);
  });

  it('stores enter_session with its scene, and lets msg_send_fail fail the reply it names with WeCom’s reason', async () => {
    const { ctxWith, tenantId, row } = await channel();
    const bus = recordingBus(inner);
    // Its own queue in the fake, so the other tests' pulls of OPEN_KFID do not see these.
    const queue = 'wkEventsAccount000000000000001';
    fake.enqueue(queue, kfSamples.event);
    await syncAccount(ctxWith(bus), queue, fake.callbackToken());
    await runPipeline(database.db, bus.confirmed, bus.confirmed.length);
    const entered = await database.db.selectFrom('messages').selectAll().where('channel_id', '=', row.id).executeTakeFirstOrThrow();
    expect(entered.content).toEqual([{ type: 'event', name: 'wecom.enter_session', data: { scene: '123', sceneParam: 'abc' } }]);

    // An agent's reply went out as msgid sb<id>_0; the customer refused it.
    const reply = await database.db
      .insertInto('messages')
      .values({
        tenant_id: tenantId,
        conversation_id: entered.conversation_id,
        channel_id: row.id,
        direction: 'out',
        sender_type: 'agent',
        sender_id: null,
        external_id: null,
        client_id: null,
        content: JSON.stringify([{ type: 'text', text: 'hi' }]),
        status: 'sent',
        error: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    fake.enqueue(queue, sendFailure(`sb${reply.id}_0`, 10));
    const before = bus.confirmed.length;
    await syncAccount(ctxWith(bus), queue, fake.callbackToken());
    expect(bus.confirmed).toHaveLength(before);
    const failed = await database.db.selectFrom('messages').select(['status', 'error', 'error_code']).where('id', '=', reply.id).executeTakeFirstOrThrow();
    expect(failed).toEqual({ status: 'failed', error: 'WeCom could not deliver the message: the customer refused the message', error_code: 'fail_type 10' });
  });

  it('answers the callback URL check with the decrypted echostr, and pulls when kf_msg_or_event arrives', async () => {
    const { deps, row } = await channel();
    const app = createHooksApp(deps);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const echostr = encryptMessage(aesKeyOf(account.encodingAesKey), account.corpId, '1616140317555161061');
    const signature = wechatSignature(account.token, timestamp, '1597212914', echostr);
    const check = await app.request(
      `/hooks/${row.id}?msg_signature=${signature}&timestamp=${timestamp}&nonce=1597212914&echostr=${encodeURIComponent(echostr)}`,
    );
    expect(check.status).toBe(200);
    expect(await check.text()).toBe('1616140317555161061');
    const forged = await app.request(
      `/hooks/${row.id}?msg_signature=${'0'.repeat(40)}&timestamp=${timestamp}&nonce=1597212914&echostr=${encodeURIComponent(echostr)}`,
    );
    expect(forged.status).toBe(403);

    const seen: InboundEnvelope[] = [];
    fake.enqueue(OPEN_KFID, {
      msgid: 'from_msgid_callback_1',
      external_userid: CUSTOMER,
      send_time: 1_700_000_000,
      origin: 3,
      msgtype: 'text',
      text: { content: '在吗？' },
    });
    const bus = recordingBus(inner);
    const app2 = createHooksApp({ ...deps, bus });
    const { query, body } = wecomCallback(account, OPEN_KFID, fake.callbackToken());
    const answer = await app2.request(`/hooks/${row.id}?${query}`, { method: 'POST', body });
    expect(await answer.text()).toBe('success');
    await eventually(() => bus.confirmed.length === 1);
    seen.push(...bus.confirmed);
    expect(seen[0]!.message).toMatchObject({ externalId: 'from_msgid_callback_1', threadKey: OPEN_KFID, parts: [{ type: 'text', text: '在吗？' }] });
  });

  it('downloads a customer’s image into the attachment store and sends an agent’s image by uploading it first', async () => {
    const { ctxWith } = await channel();
    const ctx = ctxWith(inner);
    const mediaId = fake.addMedia(PNG_1X1, 'image/png', 'receipt.png');
    const account2 = 'wkMediaAccount000000000000001';
    fake.enqueue(account2, {
      msgid: 'from_msgid_media_1',
      external_userid: CUSTOMER,
      send_time: 1_700_000_000,
      origin: 3,
      msgtype: 'image',
      image: { media_id: mediaId },
    });
    const bus = recordingBus(inner);
    await syncAccount(ctxWith(bus), account2, undefined);
    const part = bus.confirmed[0]!.message.parts[0] as { attachmentId?: string; providerId?: string; mimeType?: string };
    expect(part).toMatchObject({ type: 'image', providerId: mediaId, mimeType: 'image/png' });
    const { bytes } = await ctx.attachments.read(part.attachmentId!);
    expect(bytes.equals(PNG_1X1)).toBe(true);

    await wecomKf.send(
      {
        version: 1,
        tenantId: ctx.channel.tenantId,
        channelId: ctx.channel.id,
        channelType: 'wecom-kf',
        messageId: '77',
        conversationId: '00000000-0000-4000-8000-000000000001',
        recipient: { externalId: CUSTOMER },
        threadKey: account2,
        parts: [
          { type: 'text', text: '这是您的收据' },
          { type: 'image', attachmentId: part.attachmentId },
        ],
      },
      ctx,
    );
    const [text, image] = fake.sent.slice(-2).map((s) => s.body);
    expect(text).toEqual({ touser: CUSTOMER, open_kfid: account2, msgid: 'sb77_0', msgtype: 'text', text: { content: '这是您的收据' } });
    expect(image).toMatchObject({ touser: CUSTOMER, open_kfid: account2, msgid: 'sb77_1', msgtype: 'image' });
    expect(fake.uploads.get((image!.image as { media_id: string }).media_id)?.bytes.equals(PNG_1X1)).toBe(true);
  });
});
