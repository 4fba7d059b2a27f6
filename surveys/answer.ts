import { z } from 'zod';
import type { Db } from '../core/db/database.js';
import { event } from '../core/domain/events.js';
import { conversationSnapshot } from '../core/domain/views.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { recordEvents } from '../core/outbox/outbox.js';
import { surveyDb } from './schema.js';

export const surveyAnswer = z.object({
  rating: z.coerce.number().int().min(1).max(5),
  comment: z.string().trim().max(2000).optional().default(''),
});

export type SurveyVia = 'link' | 'widget' | 'keyword' | 'dtmf';

/**
 * Records a customer's answer: one per conversation (the unique constraint decides a race), under
 * the conversation's channel, group and agent as they are when it is given. The `csat.answered`
 * event tells the reports and the agents' consoles.
 */
export async function recordSurveyAnswer(
  db: Db,
  input: { tenantId: string; conversationId: string; rating: number; comment: string; via: SurveyVia },
): Promise<{ rating: number; comment: string; answeredAt: Date }> {
  return surveyDb(db)
    .transaction()
    .execute(async (trx) => {
      const conversation = await trx
        .selectFrom('conversations')
        .selectAll()
        .where('tenant_id', '=', input.tenantId)
        .where('id', '=', input.conversationId)
        .executeTakeFirst();
      if (!conversation) throw new NotFoundError('conversation');
      const row = await trx
        .insertInto('csat_responses')
        .values({
          tenant_id: input.tenantId,
          conversation_id: conversation.id,
          rating: input.rating,
          comment: input.comment,
          via: input.via,
          channel_id: conversation.channel_id,
          group_id: conversation.group_id,
          agent_id: conversation.assignee_id,
        })
        .onConflict((oc) => oc.column('conversation_id').doNothing())
        .returning(['rating', 'comment', 'answered_at'])
        .executeTakeFirst();
      if (!row) throw new ConflictError('this survey was already answered');
      await recordEvents(trx, [event(input.tenantId, 'csat.answered', { conversation: conversationSnapshot(conversation), rating: row.rating })]);
      return { rating: row.rating, comment: row.comment, answeredAt: new Date(row.answered_at) };
    });
}

/** The answer of a conversation, if any. */
export async function surveyAnswerOf(db: Db, tenantId: string, conversationId: string) {
  return surveyDb(db)
    .selectFrom('csat_responses')
    .select(['rating', 'comment', 'via', 'answered_at as answeredAt'])
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
}
