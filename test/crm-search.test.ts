import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from './support/console.js';
import { buildCompany, type Company } from './support/console-world.js';
import { DATABASE_URL, freshDatabase } from './support/services.js';

type Hit = { kind: string; id: string; contactId: string | null; conversationId: string | null; title: string; snippet: string };

const engines = DATABASE_URL ? (['pg', 'pglite'] as const) : (['pglite'] as const);

describe.each(engines)('search in Chinese and English, narrowed to what the agent may see (%s)', (engine) => {
  let tc: TestConsole;
  let acme: Company;
  let globex: Company;
  let database: Awaited<ReturnType<typeof freshDatabase>>;

  async function say(company: Company, conversation: keyof Company['conversations'], text: string) {
    const c = company.conversations[conversation];
    await tc.ctx.database.db
      .insertInto('messages')
      .values({
        tenant_id: company.tenantId,
        conversation_id: c.conversationId,
        channel_id: company.channelId,
        direction: 'in',
        sender_type: 'contact',
        sender_id: c.contactId,
        external_id: null,
        client_id: null,
        content: JSON.stringify([{ type: 'text', text }]),
        error: null,
      })
      .execute();
  }
  const find = async (company: Company, who: keyof Company['clients'], q: string, kinds?: string) =>
    (await company.clients[who].get(`/api/search?q=${encodeURIComponent(q)}${kinds ? `&kinds=${kinds}` : ''}`)).body.hits as Hit[];

  beforeAll(async () => {
    database = await freshDatabase(engine);
    tc = await startTestConsole({ database });
    acme = await buildCompany(tc, 'acme');
    globex = await buildCompany(tc, 'globex');
    await say(acme, 'salesQueued', '你好，我要退款，订单号 A-1234');
    await say(acme, 'supportAssigned', '退款什么时候到账？');
    await say(acme, 'salesQueued', 'Please refund my order, it arrived broken');
    await say(acme, 'ungrouped', '退一下款可以吗');
    await say(globex, 'salesQueued', '我也要退款');
    await acme.clients.admin.patch(`/api/contacts/${acme.conversations.supportAssigned.contactId}`, { name: '张伟' });
    await acme.clients.admin.post(`/api/contacts/${acme.conversations.supportAssigned.contactId}/notes`, { body: '客户要求退货，已登记' });
  }, 180_000);
  afterAll(async () => {
    await tc.stop();
    await database.drop();
  });

  it('finds "我要退款" by 退款 and by a single character, but not characters that are apart', async () => {
    const hits = await find(acme, 'admin', '退款', 'message');
    expect(hits.map((h) => h.snippet).sort()).toEqual(['你好，我要退款，订单号 A-1234', '退款什么时候到账？'].sort());
    expect(hits.every((h) => h.conversationId)).toBe(true);
    expect((await find(acme, 'admin', '款', 'message')).map((h) => h.snippet)).toHaveLength(3);
    expect(await find(acme, 'admin', '要退款 订单', 'message')).toHaveLength(1);
    expect(await find(acme, 'admin', '款退', 'message')).toHaveLength(0);
  });

  it('finds English words by their beginning, and order numbers', async () => {
    expect((await find(acme, 'admin', 'refun', 'message')).map((h) => h.snippet)).toEqual(['Please refund my order, it arrived broken']);
    expect(await find(acme, 'admin', 'ORDER broken', 'message')).toHaveLength(1);
    expect(await find(acme, 'admin', 'A-1234', 'message')).toHaveLength(1);
  });

  it('finds contacts by Chinese name, e-mail and identity, and notes by their words', async () => {
    expect((await find(acme, 'admin', '张伟', 'contact')).map((h) => h.id)).toEqual([acme.conversations.supportAssigned.contactId]);
    expect((await find(acme, 'admin', 'acme-ungrouped', 'contact')).map((h) => h.id)).toEqual([acme.conversations.ungrouped.contactId]);
    const notes = await find(acme, 'admin', '退货', 'note');
    expect(notes.map((h) => [h.kind, h.contactId])).toEqual([['note', acme.conversations.supportAssigned.contactId]]);
  });

  it("never shows a group-limited agent another group's message, contact or note, nor another company's", async () => {
    const sales = await find(acme, 'salesAgent', '退款');
    expect(sales.map((h) => h.snippet)).toEqual(['你好，我要退款，订单号 A-1234']);
    expect(await find(acme, 'salesAgent', '张伟')).toEqual([]);
    expect(await find(acme, 'salesAgent', '退货')).toEqual([]);
    const support = await find(acme, 'supportAgent', '退');
    expect(support.map((h) => h.kind).sort()).toEqual(['message', 'note']);
    expect(JSON.stringify(await find(acme, 'admin', '退款'))).not.toContain('我也要退款');
    expect((await find(globex, 'admin', '退款', 'message')).map((h) => h.snippet)).toEqual(['我也要退款']);
    expect((await acme.clients.admin.get('/api/search?q=x&kinds=files')).status).toBe(400);
  });
  it('lists the newest hits first among thousands of messages, for a common word as for a rare older one', async () => {
    await say(acme, 'supportAssigned', 'an old note about xyzzy');
    const sales = acme.conversations.salesQueued;
    const support = acme.conversations.supportAssigned;
    // 6,000 newer messages, alternately in a sales and a support conversation, all with "common".
    await sql`insert into messages (tenant_id, conversation_id, channel_id, direction, sender_type, content)
      select ${acme.tenantId}, case when g % 2 = 0 then ${sales.conversationId}::uuid else ${support.conversationId}::uuid end, ${acme.channelId}, 'in', 'contact',
        jsonb_build_array(jsonb_build_object('type', 'text', 'text', '常见 common ' || g))
      from generate_series(1, 6000) g order by g`.execute(tc.ctx.database.db);
    const newest = async (who: keyof Company['clients'], q: string, limit: number) =>
      ((await acme.clients[who].get(`/api/search?q=${encodeURIComponent(q)}&kinds=message&limit=${limit}`)).body.hits as Hit[]).map((h) => h.snippet);
    expect(await newest('admin', 'common', 3)).toEqual(['常见 common 6000', '常见 common 5999', '常见 common 5998']);
    expect(await newest('salesAgent', 'common', 3)).toEqual(['常见 common 6000', '常见 common 5998', '常见 common 5996']);
    expect(await newest('supportAgent', '常见', 2)).toEqual(['常见 common 5999', '常见 common 5997']);
    expect(await newest('admin', 'xyzzy', 5)).toEqual(['an old note about xyzzy']);
    expect(await newest('supportAgent', 'xyzzy', 5)).toEqual(['an old note about xyzzy']);
    expect(await newest('salesAgent', 'xyzzy', 5)).toEqual([]);
    expect(await find(globex, 'admin', 'common', 'message')).toEqual([]);
  }, 120_000);
  it("finds an agent's hits of a word that fills other conversations, by reading the agent's own conversations", async () => {
    const sales = acme.conversations.salesQueued;
    const ungrouped = acme.conversations.ungrouped;
    // "later" in 1,000 messages of a sales conversation, then in 5,000 newer ones that only an admin sees.
    await sql`insert into messages (tenant_id, conversation_id, channel_id, direction, sender_type, content)
      select ${acme.tenantId}, case when g <= 1000 then ${sales.conversationId}::uuid else ${ungrouped.conversationId}::uuid end, ${acme.channelId}, 'in', 'contact',
        jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'later ' || g))
      from generate_series(1, 6000) g order by g`.execute(tc.ctx.database.db);
    const newest = async (who: keyof Company['clients'], q: string, limit: number) =>
      ((await acme.clients[who].get(`/api/search?q=${encodeURIComponent(q)}&kinds=message&limit=${limit}`)).body.hits as Hit[]).map((h) => h.snippet);
    expect(await newest('admin', 'later', 2)).toEqual(['later 6000', 'later 5999']);
    expect(await newest('salesAgent', 'later', 3)).toEqual(['later 1000', 'later 999', 'later 998']);
    expect(await newest('supportAgent', 'later', 3)).toEqual([]);
  }, 120_000);
});
