import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ROLES } from '../../core/config/config.js';
import { readChannelState } from '../../core/connector/channel-state.js';
import { createChannel } from '../../core/connector/channels.js';
import { queueReply } from '../../core/conversations/reply.js';
import { createLogger } from '../../core/log/logger.js';
import { connectorDeps } from '../../app/gateway.js';
import { startProcess, type RunningProcess } from '../../app/start.js';
import { PNG_1X1 } from '../fakes/wechat-callbacks.js';
import { LOGIN_QR, WechatWorld } from '../fakes/wechaty-world.js';
import { addAgent, addGroup, setDefaultGroup } from '../support/router-world.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from '../support/services.js';
import { LOOPBACK_ALLOW } from '../support/connectors.js';

describe.skipIf(!DATABASE_URL || !AMQP_URL)('WeChat bot (Wechaty) end to end on PostgreSQL and RabbitMQ', () => {
  let database: Awaited<ReturnType<typeof emptyPgDatabase>>;
  let running: RunningProcess;
  let world: WechatWorld;
  let logs = '';
  let channelId: string;
  let tenantId: string;
  let agentId: string;

  const db = () => running.ctx.database.db;
  const state = () => readChannelState(db(), tenantId, channelId);
  const inbound = () => db().selectFrom('messages').selectAll().where('channel_id', '=', channelId).where('direction', '=', 'in').orderBy('id').execute();
  const reply = async (conversationId: string, parts: Parameters<typeof queueReply>[1]['parts']) => {
    const { message } = await queueReply(db(), { tenantId, conversationId, sender: { type: 'agent', id: agentId }, parts });
    running.ctx.relay.poke();
    await eventually(
      async () => (await db().selectFrom('messages').select('status').where('id', '=', message.id).executeTakeFirstOrThrow()).status === 'sent',
      { timeoutMs: 30_000 },
    );
  };

  beforeAll(async () => {
    database = await emptyPgDatabase();
    world = new WechatWorld('wechaty-puppet-integration');
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOUND_ALLOW: LOOPBACK_ALLOW,
      DATABASE_URL: database.url,
      AMQP_URL: AMQP_URL!,
      BUS_QUEUE_TYPE: TEST_QUEUE_TYPE,
      BUS_NAMESPACE,
      SECRET_KEY: 'ef'.repeat(32),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-wechaty-')),
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
    tenantId = (await db().insertInto('tenants').values({ slug: 'tea-shop', name: 'Tea shop' }).returning('id').executeTakeFirstOrThrow()).id;
    const role = await db().insertInto('roles').values({ tenant_id: tenantId, name: 'agent', builtin: true }).returning('id').executeTakeFirstOrThrow();
    const routing = { db: db(), tenantId, roleId: role.id, channelId: '', channelType: 'wechaty' };
    const group = await addGroup(routing, 'WeChat service');
    agentId = await addAgent(routing, 'Wang Fang', { groups: [group] });
    await setDefaultGroup(routing, group);
    const { channel } = await createChannel(await connectorDeps(running.ctx), tenantId, {
      type: 'wechaty',
      name: 'Tea shop WeChat',
      config: { puppet: world.name, puppetToken: 'puppet-token-never-logged-42' },
    });
    channelId = channel.id;
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
    world?.close();
    await database?.drop();
  });

  it('shows the login QR code, then the logged-in account, on the channel', async () => {
    const waiting = await eventually(async () => ((await state())?.state === 'waiting_for_scan' ? state() : undefined), { timeoutMs: 60_000 });
    expect(waiting).toMatchObject({ state: 'waiting_for_scan', qrCode: LOGIN_QR });
    world.scanned();
    const logged = await eventually(async () => ((await state())?.state === 'logged_in' ? state() : undefined), { timeoutMs: 30_000 });
    expect(logged!.account).toContain('茶叶小店客服');
    expect(logged!.qrCode).toBeUndefined();
  });

  it('turns a customer’s text and picture into one assigned conversation, and the agent’s text and image replies reach them', async () => {
    const customer = world.customer('李雷');
    customer.say('你好，我的订单还没到').to(world.account);
    customer.say(WechatWorld.image(PNG_1X1, 'receipt.png')).to(world.account);
    const rows = (await eventually(
      async () => {
        const found = await inbound();
        return found.length === 2 ? found : undefined;
      },
      { timeoutMs: 30_000 },
    ))!;
    expect(rows[0]!.content).toEqual([{ type: 'text', text: '你好，我的订单还没到' }]);
    const [picture] = rows[1]!.content as { type: string; attachmentId: string }[];
    expect(picture).toMatchObject({ type: 'image', mimeType: 'image/png', name: 'receipt.png' });
    const file = await db().selectFrom('attachments').select(['size', 'owner']).where('id', '=', picture!.attachmentId).executeTakeFirstOrThrow();
    expect(file).toEqual({ size: String(PNG_1X1.length), owner: customer.id });
    expect(rows[1]!.conversation_id).toBe(rows[0]!.conversation_id);
    const conversation = await eventually(async () => {
      const c = await db().selectFrom('conversations').selectAll().where('id', '=', rows[0]!.conversation_id).executeTakeFirstOrThrow();
      return c.assignee_id ? c : undefined;
    });
    expect(conversation!.assignee_id).toBe(agentId);

    await reply(conversation!.id, [
      { type: 'text', text: '您好，今天发货。' },
      { type: 'image', attachmentId: picture!.attachmentId },
    ]);
    const toCustomer = world.delivered.filter((d) => d.to === customer.id && !d.room);
    expect(toCustomer.map((d) => d.text ?? d.file?.name)).toEqual(['您好，今天发货。', 'receipt.png']);
    expect(toCustomer[1]!.file!.bytes.equals(PNG_1X1)).toBe(true);
  });

  it('takes a group message only when it mentions the bot, as its own conversation, and answers in the group', async () => {
    const customer = world.customer('韩梅梅');
    const room = world.room('老客户群', [customer]);
    const before = (await inbound()).length;
    customer.say('大家好').to(room);
    customer.say('@茶叶小店客服 我想换货', [world.account]).to(room);
    const rows = (await eventually(
      async () => {
        const found = await inbound();
        return found.length === before + 1 ? found : undefined;
      },
      { timeoutMs: 30_000 },
    ))!;
    await new Promise((r) => setTimeout(r, 500));
    expect(await inbound()).toHaveLength(before + 1);
    const mention = rows.at(-1)!;
    expect(mention.content).toEqual([
      { type: 'text', text: '@茶叶小店客服 我想换货' },
      { type: 'event', name: 'wechaty.room', data: { roomId: room.id, topic: '老客户群' } },
    ]);
    const conversation = await db()
      .selectFrom('conversations')
      .select(['id', 'thread_key'])
      .where('id', '=', mention.conversation_id)
      .executeTakeFirstOrThrow();
    expect(conversation.thread_key).toBe(`room:${room.id}`);
    await reply(conversation.id, [{ type: 'text', text: '好的，请发订单号' }]);
    expect(world.delivered.filter((d) => d.room === room.id).map((d) => d.text)).toEqual([expect.stringContaining('好的，请发订单号')]);
  });

  it('shows the bot logged out when WeChat ends its session, and never logs the puppet token', async () => {
    await world.logout();
    await eventually(async () => (await state())?.state === 'logged_out', { timeoutMs: 30_000 });
    expect(logs).not.toContain('puppet-token-never-logged-42');
  });
});
