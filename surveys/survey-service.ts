import type { Context } from '../core/context.js';
import { NotFoundError } from '../core/errors.js';
import { recordSurveyAnswer, surveyAnswerOf, type SurveyVia } from './answer.js';
import { readSurveyToken } from './token.js';

/** What the public survey page shows: the company's name and whether it was answered. */
export async function surveyStatus(ctx: Pick<Context, 'database' | 'config'>, token: string) {
  const target = await readSurveyToken(ctx.config.secretKey, token);
  if (!target) throw new NotFoundError('survey');
  const tenant = await ctx.database.db.selectFrom('tenants').select('name').where('id', '=', target.tenantId).executeTakeFirst();
  if (!tenant) throw new NotFoundError('survey');
  const answer = await surveyAnswerOf(ctx.database.db, target.tenantId, target.conversationId);
  return { target, company: tenant.name, answered: Boolean(answer), rating: answer?.rating ?? null };
}

/** Records the answer a signed link carries; refused when the token is bad or it was answered. */
export async function answerSurvey(
  ctx: Pick<Context, 'database' | 'config' | 'relay'>,
  token: string,
  answer: { rating: number; comment: string },
  via: SurveyVia,
) {
  const { target } = await surveyStatus(ctx, token);
  const saved = await recordSurveyAnswer(ctx.database.db, { ...target, ...answer, via });
  ctx.relay.poke();
  return saved;
}
