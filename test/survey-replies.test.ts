import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../core/db/database.js';
import { conversationSnapshot, messageView } from '../core/domain/views.js';
import { SurveySender } from '../surveys/sender.js';
import { runReport } from '../reports/queries/reports.js';
import { refreshRange } from '../reports/rollup/refresh.js';
import { resolveConversation } from '../router/conversations/resolve-conversation.js';
import { queueReply } from '../core/conversations/reply.js';
import {
  addAgent,
  addGroup,
  conversationOf,
  createWorld,
  deliver,
  depsFor,
  envelope,
  outboxKinds,
  setDefaultGroup,
  type World,
} from './support/router-world.js';
import { DATABASE_URL, freshDatabase } from './support/services.js';

/** The survey answered by a reply on text channels (Telegram here): a bare 1–5 is the rating, anything else a message. */
describe.skipIf(!DATABASE_URL)('satisfaction survey answered by a reply', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Db;
  let world: World;
  let agentId: string;
  let sender: SurveySender;

  beforeAll(async () => {
    handle = await freshDatabase('pg');
    db = handle.db;
    world = await createWorld(db, 'survey-replies', 'telegram');
    const support = await addGroup(world, 'Support');
    await setDefaultGroup(world, support);
    agentId = await addAgent(world, 'Mei', { groups: [support] });
    const config = { publicUrl: 'https://support.example.com', secretKey: Buffer.alloc(32, 7) };
    sender = new SurveySender({ database: { db }, config, relay: { poke() {} } } as never);
  }, 60_000);
  afterAll(async () => {
    await handle?.drop();
  });

  const responses = (conversationId: string) =>
    db
      .selectFrom('csat_responses' as never)
      .selectAll()
      .where('conversation_id' as never, '=', conversationId as never)
      .execute() as Promise<Record<string, any>[]>;
  const messagesOf = (conversationId: string) =>
    db.selectFrom('messages').select(['external_id', 'sender_type', 'content']).where('conversation_id', '=', conversationId).orderBy('id').execute();

  /** A customer writes, the agent answers it and resolves it, and the survey goes out; returns the conversation. */
  async function surveyed(customer: string) {
    await deliver(db, envelope(world, { from: customer, id: `${customer}-first`, text: 'Where is order A-1?' }));
    const open = await conversationOf(db, world, customer);
    expect(open).toMatchObject({ status: 'assigned', assignee_id: agentId });
    await resolveConversation(depsFor(db), { tenantId: world.tenantId, conversationId: open.id, actorId: agentId });
    const resolved = await conversationOf(db, world, customer);
    expect(await sender.send(world.tenantId, conversationSnapshot(resolved))).toBe(true);
    return resolved;
  }

  it('asks for a reply from 1 to 5, takes a bare "５" as the rating, and leaves the conversation resolved', async () => {
    const conversation = await surveyed('tg-100');
    const survey = (await messagesOf(conversation.id)).find((m) => m.sender_type === 'system')!;
    const text = (survey.content[0] as { text: string }).text;
    expect(text).toContain('Reply with a number from 1 (very dissatisfied) to 5 (very satisfied)');
    expect(text).toContain('https://support.example.com/survey/');

    const before = await outboxKinds(db, world);
    const reply = envelope(world, { from: 'tg-100', id: 'tg-100-rating', text: ' ５ ' });
    expect(await deliver(db, reply)).toMatchObject({ stored: 1, duplicates: 0 });
    expect(await responses(conversation.id)).toEqual([expect.objectContaining({ rating: 5, via: 'keyword', agent_id: agentId, channel_id: world.channelId })]);
    // Kept in the conversation's history, which stays resolved: nothing new for the agents.
    expect((await messagesOf(conversation.id)).map((m) => m.external_id)).toContain('tg-100-rating');
    expect(await conversationOf(db, world, 'tg-100')).toMatchObject({ id: conversation.id, status: 'resolved' });
    const added = (await outboxKinds(db, world)).slice(before.length);
    expect(added).toContain('csat.answered');
    expect(added).not.toContain('conversation.reopened');
    expect(added).not.toContain('conversation.created');

    // The provider sends the same update again: stored once, answered once.
    expect(await deliver(db, reply)).toMatchObject({ stored: 0, duplicates: 1 });
    // Once answered, a number is an ordinary message again: it reopens the conversation for the agent.
    await deliver(db, envelope(world, { from: 'tg-100', id: 'tg-100-later', text: '4' }));
    expect(await conversationOf(db, world, 'tg-100')).toMatchObject({ id: conversation.id, status: 'assigned' });
    expect((await responses(conversation.id)).map((r) => r.rating)).toEqual([5]);
  });

  it('marks the survey for the agents, who see it in words rather than as its link', async () => {
    const conversation = await surveyed('tg-150');
    await deliver(db, envelope(world, { from: 'tg-150', id: 'tg-150-mine', text: 'I will also send you a link: https://example.com' }));
    const views = (await db.selectFrom('messages').selectAll().where('conversation_id', '=', conversation.id).orderBy('id').execute()).map(messageView);
    expect(views.filter((m) => m.about === 'survey').map((m) => m.senderType)).toEqual(['system']);
    expect(views.filter((m) => m.about !== 'survey').every((m) => m.senderType !== 'system')).toBe(true);
  });

  it('takes stars and satisfaction words, but a sentence with a number in it stays a message for the agents', async () => {
    const starred = await surveyed('tg-200');
    await deliver(db, envelope(world, { from: 'tg-200', id: 'tg-200-stars', text: '⭐⭐⭐' }));
    expect((await responses(starred.id)).map((r) => r.rating)).toEqual([3]);

    const worded = await surveyed('tg-300');
    await deliver(db, envelope(world, { from: 'tg-300', id: 'tg-300-word', text: '非常满意！' }));
    expect((await responses(worded.id)).map((r) => r.rating)).toEqual([5]);

    const sentence = await surveyed('tg-400');
    await deliver(db, envelope(world, { from: 'tg-400', id: 'tg-400-text', text: 'I gave 5 stars, but order A-1 is still missing' }));
    expect(await responses(sentence.id)).toEqual([]);
    expect(await conversationOf(db, world, 'tg-400')).toMatchObject({ id: sentence.id, status: 'assigned' });
  });

  it('does not take a number as a rating once the survey is more than a day old', async () => {
    const old = await surveyed('tg-500');
    await db
      .updateTable('csat_invitations' as never)
      .set({ sent_at: sql`now() - interval '25 hours'` } as never)
      .where('conversation_id' as never, '=', old.id as never)
      .execute();
    await deliver(db, envelope(world, { from: 'tg-500', id: 'tg-500-late', text: '2' }));
    expect(await responses(old.id)).toEqual([]);
    expect(await conversationOf(db, world, 'tg-500')).toMatchObject({ id: old.id, status: 'assigned' });
  });

  it('counts the replies in the CSAT report with the agent who handled the conversation', async () => {
    const now = Date.now();
    const scope = { tenantId: world.tenantId, from: new Date(now - 3_600_000), to: new Date(now + 3_600_000), timeZone: 'UTC' };
    await refreshRange(db, world.tenantId, scope.from, scope.to);
    const report = (await runReport(db, 'csat', scope as never)) as {
      totals: { csatResponses: number; csatAverage: number };
      distribution: { rating: number; count: number }[];
    };
    expect(report.totals.csatResponses).toBe(3);
    expect(report.distribution).toEqual([
      { rating: 1, count: 0 },
      { rating: 2, count: 0 },
      { rating: 3, count: 1 },
      { rating: 4, count: 0 },
      { rating: 5, count: 2 },
    ]);
    const byAgent = (await runReport(db, 'csat', { ...scope, agentId } as never)) as { totals: { csatResponses: number } };
    expect(byAgent.totals.csatResponses).toBe(3);
  });

  it('surveys a conversation the answer bot answered with no agent, and not one nobody answered', async () => {
    await sql`insert into bot_settings (tenant_id, channel_id, enabled) values (${world.tenantId}, ${world.channelId}, true)`.execute(db);
    try {
      await deliver(db, envelope(world, { from: 'tg-bot-1', text: 'How do I reset my password?' }));
      await deliver(db, envelope(world, { from: 'tg-bot-2', text: 'How do I reset my password?' }));
      const answered = await conversationOf(db, world, 'tg-bot-1');
      const unanswered = await conversationOf(db, world, 'tg-bot-2');
      expect(answered).toMatchObject({ status: 'open', assignee_id: null });
      await queueReply(db, {
        tenantId: world.tenantId,
        conversationId: answered.id,
        sender: { type: 'bot', id: null },
        parts: [{ type: 'text', text: 'Open Settings.' }],
      });
      for (const c of [answered, unanswered]) await resolveConversation(depsFor(db), { tenantId: world.tenantId, conversationId: c.id, actorId: agentId });
      expect(await sender.send(world.tenantId, conversationSnapshot(await conversationOf(db, world, 'tg-bot-1')))).toBe(true);
      expect(await sender.send(world.tenantId, conversationSnapshot(await conversationOf(db, world, 'tg-bot-2')))).toBe(false);
      expect((await messagesOf(answered.id)).map((m) => m.sender_type)).toEqual(['contact', 'bot', 'system']);
    } finally {
      await sql`delete from bot_settings where channel_id = ${world.channelId}`.execute(db);
    }
  });
});
