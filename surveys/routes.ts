import type { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import type { Context } from '../core/context.js';
import { findUnstorableText } from '../core/domain/storable-text.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import { limitBody } from '../core/http/body.js';
import { surveyAnswer, surveyAnswerOf } from './answer.js';
import { answerSurvey, surveyStatus } from './survey-service.js';
import { idParams } from '../console/server/api/checks.js';
import { publicRoute, route, type AnyRoute } from '../console/server/api/route.js';
import { visibleTo } from '../console/server/conversations/visibility.js';
import { answer } from '../console/server/api/answers.js';

const tokenParams = z.object({ token: z.string().min(20).max(2000) });
/** A rating and a comment of 2,000 characters, percent-encoded, fit many times over. */
const SURVEY_FORM_MAX_BYTES = 64 * 1024;

const rating = z.number().int().min(1).max(5);
const answeredAt = z.string().describe('an instant, ISO 8601 (UTC)');

/** What the survey page shows before the customer answers. */
const surveyStatusSchema = z
  .object({ company: z.string(), answered: z.boolean(), rating: rating.nullable().describe('the rating given, once answered') })
  .meta({ id: 'SurveyStatus' });

const surveyAnsweredSchema = z.object({ rating, comment: z.string(), answeredAt });

/** A customer's survey answer, and how it came: the signed link, the chat widget, a keyword reply or phone keys. */
const satisfactionSchema = z
  .object({ rating, comment: z.string(), via: z.string().describe('link, widget, keyword or dtmf'), answeredAt })
  .meta({ id: 'SurveyAnswer' });

/** The satisfaction survey behind a signed link (no sign-in, the token names the conversation), and a conversation's answer for the agents. */
export function surveyRoutes(): AnyRoute[] {
  return [
    publicRoute({
      method: 'get',
      path: '/survey/:token',
      tag: 'surveys',
      summary: 'A satisfaction survey by its signed link token: the company and whether it was answered',
      tenant: false,
      params: tokenParams,
      responds: surveyStatusSchema,
      handler: async ({ c, ctx, params }) => {
        const status = await surveyStatus(ctx, params.token);
        return answer(c, surveyStatusSchema, { company: status.company, answered: status.answered, rating: status.rating });
      },
    }),
    publicRoute({
      method: 'post',
      path: '/survey/:token',
      tag: 'surveys',
      summary: 'Answers a satisfaction survey (rating 1–5, optional comment); once per conversation (409 after)',
      tenant: false,
      params: tokenParams,
      body: surveyAnswer,
      example: { rating: 5, comment: 'quick and kind' },
      responds: surveyAnsweredSchema,
      handler: async ({ c, ctx, params, body }) => {
        const saved = await answerSurvey(ctx, params.token, { rating: body.rating, comment: body.comment }, 'link');
        return answer(c, surveyAnsweredSchema, { rating: saved.rating, comment: saved.comment, answeredAt: saved.answeredAt.toISOString() }, 201);
      },
    }),
    route({
      method: 'get',
      path: '/conversations/:id/satisfaction',
      tag: 'reports',
      summary: "The customer's survey answer for a conversation: rating 1–5, comment, how and when (404 when there is none)",
      access: { anyOf: ['conversations.view.all', 'conversations.view.group', 'conversations.view.own'] },
      params: idParams,
      responds: satisfactionSchema,
      handler: async ({ c, ctx, auth, params }) => {
        const seen = await ctx.database.db
          .selectFrom('conversations')
          .select('id')
          .where('tenant_id', '=', auth.principal.tenantId)
          .where('id', '=', params.id)
          .where((eb) => visibleTo(eb, auth.principal))
          .executeTakeFirst();
        // 404 for a conversation this person may not see, as for one that does not exist.
        if (!seen) throw new NotFoundError('conversation');
        const given = await surveyAnswerOf(ctx.database.db, auth.principal.tenantId, params.id);
        if (!given) throw new NotFoundError('survey answer');
        return answer(c, satisfactionSchema, {
          rating: given.rating,
          comment: given.comment,
          via: given.via,
          answeredAt: new Date(given.answeredAt).toISOString(),
        });
      },
    }),
  ];
}

const page = (title: string, body: unknown) => html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
fieldset{border:0;padding:0;display:flex;gap:.5rem}label{cursor:pointer;padding:.5rem .8rem;border:1px solid #bbb;border-radius:6px}
textarea{width:100%;min-height:5rem;margin:1rem 0}button{padding:.6rem 1.2rem}</style></head>
<body>${body}</body></html>`;

/**
 * The survey page customers open from the link (and the web chat's rating card posts to): a
 * plain form, no script. Customer-facing text is escaped by the template.
 */
export function mountSurveyPages(app: Hono, ctx: Context): void {
  const security = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";
  app.get('/survey/:token', async (c) => {
    c.header('Content-Security-Policy', security);
    try {
      const status = await surveyStatus(ctx, c.req.param('token'));
      if (status.answered)
        return c.html(page('Thank you', html`<h1>Thank you · 谢谢</h1><p>Your answer for ${status.company} is recorded. 您的评价已记录。</p>`));
      return c.html(
        page(
          `${status.company}`,
          html`<h1>${status.company}</h1><p>How did we do? · 您对本次服务满意吗?</p>
          <form method="post"><fieldset>${[1, 2, 3, 4, 5].map((n) => html`<label><input type="radio" name="rating" value="${n}" required> ${n}</label>`)}</fieldset>
          <textarea name="comment" maxlength="2000" placeholder="Comment (optional) · 留言(选填)"></textarea>
          <button type="submit">Send · 提交</button></form>`,
        ),
      );
    } catch (error) {
      if (error instanceof NotFoundError) return c.html(page('Not found', html`<h1>This survey link is not valid. 此评价链接无效。</h1>`), 404);
      throw error;
    }
  });
  app.post('/survey/:token', limitBody(SURVEY_FORM_MAX_BYTES), async (c) => {
    c.header('Content-Security-Policy', security);
    // The web chat's rating card posts here from the customer's site without reading the answer.
    c.header('Access-Control-Allow-Origin', '*');
    const form = await c.req.parseBody();
    if (findUnstorableText(form))
      return c.html(page('Invalid comment', html`<h1>The comment holds characters that cannot be saved. 留言包含无法保存的字符。</h1>`), 400);
    const parsed = surveyAnswer.safeParse({ rating: form.rating, comment: typeof form.comment === 'string' ? form.comment : undefined });
    if (!parsed.success) return c.html(page('Choose a rating', html`<h1>Please choose a rating from 1 to 5. 请选择 1–5 分。</h1>`), 400);
    try {
      await answerSurvey(ctx, c.req.param('token'), parsed.data, form.via === 'widget' ? 'widget' : 'link');
      return c.html(page('Thank you', html`<h1>Thank you · 谢谢</h1><p>Your answer is recorded. 您的评价已记录。</p>`));
    } catch (error) {
      if (error instanceof ConflictError) return c.html(page('Already answered', html`<h1>This survey was already answered. 此评价已提交。</h1>`), 409);
      if (error instanceof NotFoundError || error instanceof ValidationError)
        return c.html(page('Not found', html`<h1>This survey link is not valid. 此评价链接无效。</h1>`), 404);
      throw error;
    }
  });
}
