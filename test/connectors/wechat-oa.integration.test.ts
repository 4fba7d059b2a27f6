import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ROLES } from '../../core/config/config.js';
import { queueReply } from '../../core/conversations/reply.js';
import { createChannel } from '../../core/connector/channels.js';
import { aesKeyOf, decryptMessage } from '../../core/wechat/crypto.js';
import { createLogger } from '../../core/log/logger.js';
import { connectorDeps } from '../../app/gateway.js';
import { startProcess, type RunningProcess } from '../../app/start.js';
import { wechatXml } from '../../connectors/wechat-oa/fixtures/index.js';
import { parseWechatXml } from '../../core/wechat/xml.js';
import { FakeWechatApi } from '../fakes/wechat-api.js';
import { AMR_VOICE, PNG_1X1, wechatPush } from '../fakes/wechat-callbacks.js';
import { addAgent, addGroup, setDefaultGroup } from '../support/router-world.js';
import { AMQP_URL, BUS_NAMESPACE, emptyPgDatabase, eventually, DATABASE_URL, TEST_QUEUE_TYPE } from '../support/services.js';
import { LOOPBACK_ALLOW } from '../support/connectors.js';

const account = {
  appId: 'wx2c2769f8efd9abc2',
  appSecret: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
  token: 'spamtest',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const WELCOME = '欢迎关注！回复“人工”联系客服。';

/** A follower's pushed XML with their OpenID, a fresh MsgId and CreateTime. */
function fromFollower(xml: string, openId: string, msgId: string, createTime = Math.floor(Date.now() / 1000)): string {
  return xml
    .replace('oyORnuP8q7ou2gfYjqLzSIWZf0rs', openId)
    .replace(/<MsgId>\d+<\/MsgId>/, `<MsgId>${msgId}</MsgId>`)
    .replace(/<CreateTime>\d+<\/CreateTime>/, `<CreateTime>${createTime}</CreateTime>`);
}

describe.skipIf(!DATABASE_URL || !AMQP_URL)('WeChat Official Account end to end on PostgreSQL and RabbitMQ', () => {
  let database: Awaited<ReturnType<typeof emptyPgDatabase>>;
  let running: RunningProcess;
  let fake: FakeWechatApi;
  let logs = '';
  let channelId: string;
  let tenantId: string;
  let agentId: string;

  const push = (xml: string) => {
    const { query, body } = wechatPush(account, xml, 'safe');
    return () => fetch(`${running.url}/hooks/${channelId}?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  };
  const db = () => running.ctx.database.db;
  /** A follower's stored messages, oldest first. */
  const inbound = (openId: string) =>
    db()
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .innerJoin('contact_identities as i', (j) => j.onRef('i.contact_id', '=', 'c.contact_id').onRef('i.channel_id', '=', 'c.channel_id'))
      .selectAll('m')
      .where('m.channel_id', '=', channelId)
      .where('m.direction', '=', 'in')
      .where('i.external_id', '=', openId)
      .orderBy('m.id')
      .execute();

  beforeAll(async () => {
    database = await emptyPgDatabase();
    fake = await FakeWechatApi.start(account.appId, account.appSecret);
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOUND_ALLOW: LOOPBACK_ALLOW,
      DATABASE_URL: database.url,
      AMQP_URL: AMQP_URL!,
      BUS_QUEUE_TYPE: TEST_QUEUE_TYPE,
      BUS_NAMESPACE,
      SECRET_KEY: 'cd'.repeat(32),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-wechat-')),
      BUS_RETRY_BASE_MS: '200',
      BUS_RETRY_ATTEMPTS: '3',
      LOG_LEVEL: 'debug',
    });
    const logger = createLogger(
      'debug',
      new Writable({
        write(chunk, _e, done) {
          logs += chunk;
          done();
        },
      }),
    );
    running = await startProcess(config, ROLES, logger);
    const tenant = await db().insertInto('tenants').values({ slug: 'tea-shop', name: 'Tea shop' }).returning('id').executeTakeFirstOrThrow();
    tenantId = tenant.id;
    const role = await db().insertInto('roles').values({ tenant_id: tenantId, name: 'agent', builtin: true }).returning('id').executeTakeFirstOrThrow();
    const world = { db: db(), tenantId, roleId: role.id, channelId: '', channelType: 'wechat-oa' };
    const group = await addGroup(world, 'WeChat service');
    agentId = await addAgent(world, 'Wang Fang', { groups: [group] });
    await setDefaultGroup(world, group);
    const { channel } = await createChannel(await connectorDeps(running.ctx), tenantId, {
      type: 'wechat-oa',
      name: 'Tea shop 公众号',
      config: { ...account, mode: 'safe', apiBaseUrl: fake.url, welcomeMessage: WELCOME },
    });
    channelId = channel.id;
  });
  afterAll(async () => {
    await running?.stop();
    await fake?.close();
    await database?.drop();
  });

  it('threads a follower’s text, image and voice into one assigned conversation, stores WeChat’s retries once, and delivers text and image replies with a valid token', async () => {
    const openId = 'oFollower000000000000000001';
    const imageId = fake.addMedia(PNG_1X1, 'image/png', 'photo.png');
    const voiceId = fake.addMedia(AMR_VOICE, 'audio/amr', 'voice.amr');
    const text = push(fromFollower(wechatXml.text, openId, '9223372036854775001'));
    const image = push(fromFollower(wechatXml.image.replace('media_id', imageId), openId, '9223372036854775002'));
    const voice = push(fromFollower(wechatXml.voice.replace('media_id', voiceId), openId, '9223372036854775003'));

    for (const send of [text, image, voice]) {
      const answer = await send();
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('success');
    }
    // WeChat sends the same push again when it did not hear back in time: three tries in all.
    for (let i = 0; i < 3; i++) expect((await text()).status).toBe(200);

    const rows = (await eventually(async () => {
      const found = await inbound(openId);
      return found.length === 3 ? found : undefined;
    }))!;
    await new Promise((r) => setTimeout(r, 500));
    expect(await inbound(openId)).toHaveLength(3);
    // MsgId beyond 2^53 arrives intact.
    expect(rows.map((r) => r.external_id)).toEqual(['9223372036854775001', '9223372036854775002', '9223372036854775003']);
    expect(new Set(rows.map((r) => r.conversation_id)).size).toBe(1);
    const conversation = await eventually(async () => {
      const c = await db().selectFrom('conversations').selectAll().where('id', '=', rows[0]!.conversation_id).executeTakeFirstOrThrow();
      return c.assignee_id ? c : undefined;
    });
    expect(conversation!.assignee_id).toBe(agentId);

    // The media were fetched by MediaId into the attachment store.
    const [imagePart] = rows[1]!.content as { type: string; attachmentId?: string; providerId?: string }[];
    const [voicePart] = rows[2]!.content as { type: string; attachmentId?: string }[];
    expect(imagePart).toMatchObject({ type: 'image', providerId: imageId, mimeType: 'image/png' });
    expect(voicePart).toMatchObject({ type: 'audio' });
    const files = await db().selectFrom('attachments').select(['id', 'mime_type', 'size']).where('channel_id', '=', channelId).execute();
    expect(files.find((f) => f.id === imagePart!.attachmentId)).toMatchObject({ mime_type: 'image/png', size: String(PNG_1X1.length) });
    expect(files.find((f) => f.id === voicePart!.attachmentId)).toBeDefined();

    // The agent answers with text and the picture; both reach the customer-service API.
    const { message } = await queueReply(db(), {
      tenantId,
      conversationId: conversation!.id,
      sender: { type: 'agent', id: agentId },
      parts: [
        { type: 'text', text: '收到，您的订单今天发货。' },
        { type: 'image', attachmentId: imagePart!.attachmentId },
      ],
    });
    running.ctx.relay.poke();
    await eventually(async () => (await db().selectFrom('messages').select('status').where('id', '=', message.id).executeTakeFirstOrThrow()).status === 'sent');
    const calls = fake.customerService.filter((c) => c.body.touser === openId);
    expect(calls.map((c) => c.body.msgtype)).toEqual(['text', 'image']);
    expect(calls[0]!.body).toEqual({ touser: openId, msgtype: 'text', text: { content: '收到，您的订单今天发货。' } });
    const mediaId = (calls[1]!.body.image as { media_id: string }).media_id;
    expect(fake.uploads.get(mediaId)?.bytes.equals(PNG_1X1)).toBe(true);
    // One token for the whole run, fetched once, never per message.
    expect(fake.tokensIssued).toHaveLength(1);
    for (const call of calls) expect(call.token).toBe(fake.tokensIssued[0]!.token);
    for (const secret of [account.appSecret, account.encodingAesKey, fake.tokensIssued[0]!.token]) expect(logs).not.toContain(secret);
  });

  it('welcomes a new follower once, in the encrypted passive reply, and stores a subscribe sent twice once', async () => {
    const openId = 'oFollower000000000000000002';
    const subscribe = push(fromFollower(wechatXml.subscribe, openId, ''));
    const first = await subscribe();
    expect(first.status).toBe(200);
    const reply = parseWechatXml(await first.text());
    const inner = parseWechatXml(decryptMessage(aesKeyOf(account.encodingAesKey), account.appId, String(reply.Encrypt)));
    expect(inner).toMatchObject({ ToUserName: openId, FromUserName: 'gh_10f6c3c3ac5a', MsgType: 'text', Content: WELCOME });
    const second = await subscribe();
    expect(await second.text()).toBe('success');

    await eventually(async () => (await inbound(openId)).length === 1);
    await new Promise((r) => setTimeout(r, 500));
    const rows = await inbound(openId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.content).toEqual([{ type: 'event', name: 'wechat.subscribe', data: {} }]);
  });

  it('refuses a reply outside the 48-hour window with the reason, and sends nothing', async () => {
    const openId = 'oFollower000000000000000003';
    const longAgo = Math.floor(Date.now() / 1000) - 49 * 3600;
    expect((await push(fromFollower(wechatXml.text, openId, '9223372036854775101', longAgo))()).status).toBe(200);
    const found = await eventually(async () => {
      const found = await inbound(openId);
      return found.length === 1 ? found : undefined;
    });
    const before = fake.customerService.length;
    const { message } = await queueReply(db(), {
      tenantId,
      conversationId: found![0]!.conversation_id,
      sender: { type: 'agent', id: agentId },
      parts: [{ type: 'text', text: 'Sorry for the wait!' }],
    });
    running.ctx.relay.poke();
    const failed = await eventually(async () => {
      const m = await db().selectFrom('messages').select(['status', 'error']).where('id', '=', message.id).executeTakeFirstOrThrow();
      return m.status === 'failed' ? m : undefined;
    });
    expect(failed!.error).toContain('window closed: the customer must write first');
    expect(fake.customerService.length).toBe(before);
  });
});
