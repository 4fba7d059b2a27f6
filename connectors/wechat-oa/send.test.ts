import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileTypeFromBuffer } from 'file-type';
import { converterAvailable } from '../../core/attachments/convert-audio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../core/bus/memory/memory-bus.js';
import { contextFor } from '../../core/connector/channel-context.js';
import { createChannel } from '../../core/connector/channels.js';
import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import { openPgDatabase } from '../../core/db/pg/pg-database.js';
import type { DatabaseHandle } from '../../core/db/database.js';
import type { OutboundEnvelope } from '../../core/domain/messages.js';
import { FakeWechatApi } from '../../test/fakes/wechat-api.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import { DATABASE_URL, freshDatabase } from '../../test/support/services.js';
import wechatOa, { type WechatOaConfig } from './connector.js';
import { openReplyWindow } from './window.js';

const account = { appId: 'wx2c2769f8efd9abc2', appSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', token: 'spamtest', mode: 'plaintext' };

let sequence = 0;
const reply = (ctx: ChannelContext<WechatOaConfig>, openId: string, text = 'Hello'): OutboundEnvelope => ({
  version: 1,
  tenantId: ctx.channel.tenantId,
  channelId: ctx.channel.id,
  channelType: 'wechat-oa',
  messageId: String(++sequence),
  conversationId: '00000000-0000-4000-8000-000000000001',
  recipient: { externalId: openId },
  threadKey: '',
  parts: [{ type: 'text', text }],
});

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as ConnectorError,
  );

describe.skipIf(!DATABASE_URL)('WeChat Official Account replies: access token and reply window', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let second: DatabaseHandle;
  let fake: FakeWechatApi;
  const secretKey = randomBytes(32);

  /** The same channel as two processes of the cluster see it: each its own pool of connections. */
  async function channelIn(settings: Record<string, unknown>): Promise<[ChannelContext<WechatOaConfig>, ChannelContext<WechatOaConfig>]> {
    const bus = new MemoryBus();
    const one = testDeps(database.db, bus, [wechatOa], { secretKey });
    const two = testDeps(second.db, bus, [wechatOa], { secretKey });
    const tenantId = await seedTenant(database.db);
    const { channel } = await createChannel(one, tenantId, { type: 'wechat-oa', name: 'OA', config: { ...account, apiBaseUrl: fake.url, ...settings } });
    const row = await database.db.selectFrom('channels').selectAll().where('id', '=', channel.id).executeTakeFirstOrThrow();
    return [contextFor(one, wechatOa, row), contextFor(two, wechatOa, row)];
  }

  beforeAll(async () => {
    database = await freshDatabase('pg');
    second = openPgDatabase(database.url!, 5);
    fake = await FakeWechatApi.start(account.appId, account.appSecret);
  });
  afterAll(async () => {
    await second?.close();
    await fake?.close();
    await database?.drop();
  });

  it('fetches one token for many replies, and replaces an expired one once for the whole cluster', async () => {
    const [a, b] = await channelIn({ replyQuota: 0 });
    const followers = Array.from({ length: 10 }, (_, i) => `oCluster${i}`);
    for (const openId of followers) await openReplyWindow(a, openId, new Date());
    await Promise.all(followers.map((openId, i) => wechatOa.send(reply(i % 2 ? a : b, openId), i % 2 ? a : b)));
    expect(fake.tokensIssued).toHaveLength(1);

    // Mid-run, WeChat lets the token expire: every process's next send hears 42001.
    fake.expireTokens();
    await Promise.all(followers.map((openId, i) => wechatOa.send(reply(i % 2 ? a : b, openId, 'again'), i % 2 ? a : b)));
    expect(fake.tokensIssued).toHaveLength(2);
    expect(fake.tokensIssued[1]).toMatchObject({ via: 'stable_token', force: true });
    const again = fake.customerService.filter((c) => (c.body.text as { content: string }).content === 'again');
    expect(again).toHaveLength(10);
    for (const call of again) expect(call.token).toBe(fake.tokensIssued[1]!.token);
    const row = await database.db.selectFrom('wechat_access_tokens').selectAll().where('channel_id', '=', a.channel.id).executeTakeFirstOrThrow();
    expect(row.refresh_count).toBe(2);
    // The token is kept sealed, never in the clear.
    expect(row.sealed_token).not.toContain(fake.tokensIssued[1]!.token);
  });

  it('replaces a token that is about to expire before using it', async () => {
    const [a] = await channelIn({ useStableToken: false, replyQuota: 0 });
    await openReplyWindow(a, 'oSoon', new Date());
    await wechatOa.send(reply(a, 'oSoon'), a);
    const requests = fake.tokenRequests;
    await database.db
      .updateTable('wechat_access_tokens')
      .set({ expires_at: new Date(Date.now() + 60_000) })
      .where('channel_id', '=', a.channel.id)
      .execute();
    await wechatOa.send(reply(a, 'oSoon'), a);
    expect(fake.tokenRequests).toBe(requests + 1);
    await wechatOa.send(reply(a, 'oSoon'), a);
    expect(fake.tokenRequests).toBe(requests + 1);
  });

  it("sends a browser's voice message as WeChat voice media, converted to MP3, or tells the agent why not", async () => {
    const [a] = await channelIn({});
    await openReplyWindow(a, 'oVoice', new Date());
    const webm = readFileSync(new URL('../web/fixtures/voice.webm', import.meta.url));
    const stored = await a.attachments.put({ owner: 'agent:1', name: 'voice.webm', bytes: webm, audio: true, durationMs: 2000 });
    const voice = { ...reply(a, 'oVoice'), parts: [{ type: 'audio' as const, attachmentId: stored.id, duration: 2 }] };
    const before = fake.customerService.length;
    if (await converterAvailable()) {
      await wechatOa.send(voice, a);
      const sent = fake.customerService.at(-1)!.body as { msgtype: string; voice: { media_id: string } };
      expect(sent.msgtype).toBe('voice');
      const media = fake.uploads.get(sent.voice.media_id)!;
      expect(media).toMatchObject({ type: 'voice', name: 'voice.mp3', mimeType: 'audio/mpeg' });
      expect(await fileTypeFromBuffer(media.bytes)).toMatchObject({ mime: 'audio/mpeg' });
    } else {
      expect(await failureOf(wechatOa.send(voice, a))).toMatchObject({ retryable: false, message: expect.stringContaining('install ffmpeg') });
      expect(fake.customerService.length).toBe(before);
    }
    // Longer than WeChat's 60 s: refused before anything is uploaded.
    const long = { ...voice, messageId: String(++sequence), parts: [{ type: 'audio' as const, attachmentId: stored.id, duration: 75 }] };
    expect(await failureOf(wechatOa.send(long, a))).toMatchObject({ retryable: false, code: 'too_long' });
  });

  it('refuses replies past the window’s quota before sending, until the customer writes again', async () => {
    const [a] = await channelIn({ replyQuota: 2 });
    const wrote = new Date((Math.floor(Date.now() / 1000) - 60) * 1000);
    await openReplyWindow(a, 'oQuota', wrote);
    await wechatOa.send(reply(a, 'oQuota'), a);
    await wechatOa.send(reply(a, 'oQuota'), a);
    const before = fake.customerService.length;
    const refused = await failureOf(wechatOa.send(reply(a, 'oQuota'), a));
    expect(refused).toBeInstanceOf(ConnectorError);
    expect(refused).toMatchObject({ retryable: false, code: '45047' });
    expect(refused!.message).toContain('reply limit reached');
    expect(fake.customerService.length).toBe(before);
    // A retried delivery of the old message opens nothing; a new message does.
    await openReplyWindow(a, 'oQuota', wrote);
    expect(await failureOf(wechatOa.send(reply(a, 'oQuota'), a))).toBeInstanceOf(ConnectorError);
    await openReplyWindow(a, 'oQuota', new Date());
    await wechatOa.send(reply(a, 'oQuota'), a);
    expect(fake.customerService.length).toBe(before + 1);
  });

  it('believes WeChat when it says the window closed (45015), and gives back quota a retry may use', async () => {
    const [a] = await channelIn({ replyQuota: 1 });
    await openReplyWindow(a, 'oBusy', new Date());
    fake.failNext('/cgi-bin/message/custom/send', -1);
    expect(await failureOf(wechatOa.send(reply(a, 'oBusy'), a))).toMatchObject({ retryable: true });
    // The busy failure did not use up the one reply allowed.
    await wechatOa.send(reply(a, 'oBusy'), a);

    await openReplyWindow(a, 'oGone', new Date());
    fake.closedWindows.add('oGone');
    const closed = await failureOf(wechatOa.send(reply(a, 'oGone'), a));
    expect(closed).toMatchObject({ retryable: false, code: '45015', message: 'window closed: the customer must write first' });
    fake.closedWindows.delete('oGone');
    const before = fake.customerService.length;
    expect(await failureOf(wechatOa.send(reply(a, 'oGone'), a))).toMatchObject({ retryable: false, code: '45015' });
    expect(fake.customerService.length).toBe(before);
  });

  it('says clearly when the AppSecret is wrong, without showing it', async () => {
    const [a] = await channelIn({ appSecret: 'ffffffffffffffffffffffffffffffff' });
    await openReplyWindow(a, 'oAny', new Date());
    const refused = await failureOf(wechatOa.send(reply(a, 'oAny'), a));
    expect(refused).toMatchObject({ retryable: false, code: '40125', message: 'the AppID or AppSecret is wrong' });
  });
});
