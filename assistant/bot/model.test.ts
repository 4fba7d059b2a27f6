import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.js';
import type { Db } from '../../core/db/database.js';
import { fakeOpenAI, type FakeOpenAI } from '../../test/support/fake-openai.js';
import { loopbackOutbound } from '../../test/support/connectors.js';
import {
  addAgent,
  addGroup,
  conversationOf,
  createWorld,
  deliver,
  envelope,
  setDefaultGroup,
  silentLogger,
  type World,
} from '../../test/support/router-world.js';
import { freshDatabase } from '../../test/support/services.js';
import { CompanyModels } from '../model/gateway.js';
import { modelDb } from '../model/schema.js';
import { writeModelSettings } from '../model/settings.js';
import { botDb } from './schema.js';
import { answerTurn } from './worker.js';

/**
 * The answer bot on a company's model, over the wire: the real gateway (settings, the OpenAI
 * client, the guarded outbound client) against a local server that speaks OpenAI's chat
 * completions. What the bot sends the model, what it does with the answer, and with a failure.
 */
describe('the answer bot on an OpenAI-compatible model', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let fake: FakeOpenAI;
  let world: World;
  let gateway: CompanyModels;
  let article: string;
  const config = loadConfig({ SECRET_KEY: 'ef'.repeat(32), DATA_DIR: '/tmp', PUBLIC_URL: 'https://help.example.com' });
  const outbound = loopbackOutbound();
  const bot = () => botDb(handle.db);
  const deps = () => ({ database: { db: handle.db } as never, config, logger: silentLogger, relay: { poke() {} } });

  async function addArticle(db: Db, tenantId: string, title: string, body: string): Promise<string> {
    const { rows } = await sql<{ id: string }>`insert into knowledge_articles (tenant_id, locale, title, body, body_text, state, published_at)
      values (${tenantId}, 'en', ${title}, ${`<p>${body}</p>`}, ${body}, 'published', now()) returning id`.execute(db);
    return rows[0]!.id;
  }

  async function ask(from: string, text: string) {
    await deliver(handle.db, envelope(world, { from, text }));
    const conversation = await conversationOf(handle.db, world, from);
    const turn = await bot()
      .selectFrom('bot_turns')
      .select('id')
      .where('conversation_id', '=', conversation.id)
      .where('state', '=', 'pending')
      .executeTakeFirstOrThrow();
    return { conversation, turnId: turn.id };
  }
  const replies = (conversationId: string) =>
    handle.db
      .selectFrom('messages')
      .select(['sender_type', 'private', 'content'])
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'out')
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    handle = await freshDatabase();
    fake = await fakeOpenAI();
    world = await createWorld(handle.db, 'answer-bot-model');
    const support = await addGroup(world, 'Support');
    await setDefaultGroup(world, support);
    await addAgent(world, 'Li', { groups: [support], capacity: { chat: 50 } });
    await bot().insertInto('bot_settings').values({ tenant_id: world.tenantId, channel_id: world.channelId, enabled: true }).execute();
    article = await addArticle(
      handle.db,
      world.tenantId,
      'Reset your password',
      'To reset your password, open Settings and choose Reset password. We send a link to your e-mail address.',
    );
    gateway = new CompanyModels({ database: handle, config, outbound, logger: silentLogger }, { settingsTtlMs: 0 });
    await writeModelSettings(
      handle.db,
      config.secretKey,
      world.tenantId,
      { enabled: true, baseUrl: fake.url, model: 'gpt-4o-mini', apiKey: fake.key, maskPersonalData: true, timeoutMs: 3000 },
      null,
    );
  });
  afterAll(async () => {
    await fake?.close();
    await outbound.close();
    await handle?.drop();
  });

  it('answers from the articles it sent the model, cites them, masks the customer’s e-mail and records the usage', async () => {
    fake.requests.length = 0;
    fake.answer(() => JSON.stringify({ answer: 'Open Settings and choose Reset password; the link comes by e-mail.', articleIds: [article], known: true }));
    const { conversation, turnId } = await ask('ann', 'How do I reset my password? My e-mail is ann.lee@example.org');
    expect(await answerTurn(deps(), gateway, world.tenantId, turnId)).toBe('answered');

    const [request] = fake.requests;
    expect(request?.body.response_format).toEqual({ type: 'json_object' });
    expect(request?.raw).toContain('Reset your password');
    expect(request?.raw).not.toContain('ann.lee@example.org');
    const [reply] = await replies(conversation.id);
    expect(reply).toMatchObject({ sender_type: 'bot', private: false });
    const parts = reply!.content as { type: string; text?: string; name?: string; data?: { articles: { id: string; url: string }[] } }[];
    expect(parts[0]!.text).toContain('Open Settings and choose Reset password');
    expect(parts[0]!.text).toContain('https://help.example.com');
    expect(parts.find((p) => p.name === 'bot.citations')?.data?.articles.map((a) => a.id)).toEqual([article]);
    const usage = await modelDb(handle.db).selectFrom('ai_usage').selectAll().where('tenant_id', '=', world.tenantId).execute();
    expect(usage).toEqual([expect.objectContaining({ feature: 'bot', outcome: 'ok', model: 'gpt-4o-mini' })]);
  });

  it('says it does not know and hands over when the model says the knowledge base does not answer', async () => {
    fake.answer(() => JSON.stringify({ answer: '', articleIds: [], known: false }));
    const { conversation, turnId } = await ask('bo', 'How do I reset my password on the old app?');
    expect(await answerTurn(deps(), gateway, world.tenantId, turnId)).toBe('handed_over');
    expect(await bot().selectFrom('bot_sessions').selectAll().where('conversation_id', '=', conversation.id).executeTakeFirstOrThrow()).toMatchObject({
      state: 'handed_over',
      handoff_reason: 'no answer',
    });
    // It says it does not know, once, and a person takes over.
    const told = (await replies(conversation.id)).filter((r) => !r.private);
    expect(told).toEqual([{ sender_type: 'bot', private: false, content: [{ type: 'text', text: expect.stringMatching(/^I don’t know the answer/) }] }]);
  });

  it('hands over with "model error" when the model refuses the key, telling the customer only that a person is coming', async () => {
    fake.next({ status: 401 });
    const { conversation, turnId } = await ask('cy', 'How do I reset my password please?');
    expect(await answerTurn(deps(), gateway, world.tenantId, turnId)).toBe('handed_over');
    const session = await bot().selectFrom('bot_sessions').selectAll().where('conversation_id', '=', conversation.id).executeTakeFirstOrThrow();
    expect(session).toMatchObject({ state: 'handed_over', handoff_reason: 'model error' });
    // Nothing of the model's: only that a person is coming.
    expect((await replies(conversation.id)).filter((r) => !r.private).map((r) => (r.content as { text: string }[])[0]!.text)).toEqual([
      'I don’t know the answer to that. I’m passing you to a person; please hold on.',
    ]);
    const conversationNow = await handle.db
      .selectFrom('conversations')
      .select(['status', 'group_id'])
      .where('id', '=', conversation.id)
      .executeTakeFirstOrThrow();
    expect(conversationNow.status).not.toBe('open');
  });
});
