import { sql, type Kysely } from 'kysely';
import type { Database } from '../core/db/schema.js';
import { answersByConversation } from '../surveys/part.js';
import { botDb } from './bot/schema.js';
import { usageSummary, type UsageSummary } from './model/usage.js';

/** What the answer bot and the model did for a company in a period. */
export interface BotReport {
  from: string;
  to: string;
  bot: {
    /** Conversations whose bot session started in the period. */
    taken: number;
    /** Of those, resolved by the bot with no person involved. */
    resolved: number;
    /** resolved / taken, null when the bot took none. */
    deflectionRate: number | null;
    handedOver: number;
    /** Still with the bot (the customer may yet answer). */
    active: number;
    /** Handovers by the reason stored on the session (bot/summary.ts HandoffReason), most frequent first. */
    handoffReasons: { reason: string; count: number }[];
  };
  /** The survey answers of the conversations the bot resolved alone (ratings 1–5). */
  satisfaction: { answers: number; average: number | null; satisfied: number; satisfiedRate: number | null };
  model: UsageSummary;
}

/**
 * The answer bot's report for [from, to): the conversations it took (by when its session started),
 * how many it resolved without a person (the deflection rate), the handovers by reason, how the
 * customers rated the conversations it resolved alone (4 or 5 counts as satisfied), and the
 * company's calls to its model in the same period.
 */
export async function botReport(db: Kysely<Database>, tenantId: string, from: Date, to: Date): Promise<BotReport> {
  const bot = botDb(db);
  const sessions = () => bot.selectFrom('bot_sessions').where('tenant_id', '=', tenantId).where('started_at', '>=', from).where('started_at', '<', to);
  const [counts, reasons, rated, model] = await Promise.all([
    sessions()
      .select([
        sql<number>`count(*)::int`.as('taken'),
        sql<number>`count(*) filter (where state = 'resolved')::int`.as('resolved'),
        sql<number>`count(*) filter (where state = 'handed_over')::int`.as('handed_over'),
        sql<number>`count(*) filter (where state = 'active')::int`.as('active'),
      ])
      .executeTakeFirstOrThrow(),
    sessions()
      .select([sql<string>`coalesce(handoff_reason, 'unknown')`.as('reason'), sql<number>`count(*)::int`.as('count')])
      .where('state', '=', 'handed_over')
      .groupBy('handoff_reason')
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('handoff_reason')
      .execute(),
    sql<{ answers: number; average: number | null; satisfied: number }>`
      SELECT count(*)::int AS answers, avg(r.rating)::float AS average, count(*) FILTER (WHERE r.rating >= 4)::int AS satisfied
        FROM bot_sessions s JOIN ${answersByConversation(tenantId)} r ON r.conversation_id = s.conversation_id
       WHERE s.tenant_id = ${tenantId} AND s.state = 'resolved' AND s.started_at >= ${from} AND s.started_at < ${to}`.execute(db),
    usageSummary(db, tenantId, from, to),
  ]);
  const ratio = (n: number, d: number) => (d ? Math.round((n / d) * 1000) / 1000 : null);
  const csat = rated.rows[0] ?? { answers: 0, average: null, satisfied: 0 };
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    bot: {
      taken: counts.taken,
      resolved: counts.resolved,
      deflectionRate: ratio(counts.resolved, counts.taken),
      handedOver: counts.handed_over,
      active: counts.active,
      handoffReasons: reasons.map((r) => ({ reason: r.reason, count: r.count })),
    },
    satisfaction: {
      answers: csat.answers,
      average: csat.average === null ? null : Math.round(Number(csat.average) * 100) / 100,
      satisfied: csat.satisfied,
      satisfiedRate: ratio(csat.satisfied, csat.answers),
    },
    model,
  };
}
