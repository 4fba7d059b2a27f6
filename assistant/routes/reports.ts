import { z } from 'zod';
import { isValidTimeZone, localTime, zonedInstant } from '../../core/calendar/business-hours.js';
import { ValidationError } from '../../core/errors.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { botReport } from '../reports.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const DAY = 86_400_000;
const MAX_DAYS = 400;

const figures = {
  calls: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  latency: z.object({ medianMs: z.number().nullable(), p95Ms: z.number().nullable() }),
  errors: z.number(),
};
const reportAnswer = z
  .object({
    from: z.string(),
    to: z.string(),
    bot: z.object({
      taken: z.number().describe('conversations whose bot session started in the period'),
      resolved: z.number().describe('of those, resolved by the bot without a person'),
      deflectionRate: z.number().nullable().describe('resolved / taken (0–1); null when the bot took none'),
      handedOver: z.number(),
      active: z.number().describe('still with the bot'),
      handoffReasons: z.array(
        z.object({
          reason: z.enum([
            'customer asked',
            'max turns',
            'no answer',
            'low confidence',
            'model error',
            'no answer in time',
            'agent took over',
            'bot turned off',
            'unknown',
          ]),
          count: z.number(),
        }),
      ),
    }),
    satisfaction: z
      .object({
        answers: z.number(),
        average: z.number().nullable().describe('mean rating 1–5'),
        satisfied: z.number().describe('answers rating 4 or 5'),
        satisfiedRate: z.number().nullable(),
      })
      .describe('survey answers of the conversations the bot resolved alone'),
    model: z.object({
      from: z.string(),
      to: z.string(),
      ...figures,
      byFeature: z.array(z.object({ feature: z.string(), ...figures, errorsByCode: z.record(z.string(), z.number()) })),
    }),
  })
  .meta({ id: 'AssistantReport' });

const shiftDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** The answer bot's and the model's report, beside the other reports (same days and time zone, same permission). */
export function reportRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/assistant/reports',
      tag: 'assistant',
      summary:
        "The answer bot and the model over days in a time zone (both included; the last 7 unless said): conversations the bot took, resolved alone (deflection rate), handovers by reason, the rating of bot-only conversations, the model's calls, tokens, latency and errors by feature",
      access: { permission: 'reports.view' },
      query: z.object({
        from: day.optional(),
        to: day.optional(),
        timeZone: z.string().min(1).max(64).default('UTC').refine(isValidTimeZone, 'an IANA time zone such as Asia/Shanghai'),
      }),
      responds: reportAnswer,
      handler: async ({ c, ctx, tenant, query }) => {
        const to = query.to ?? localTime(new Date(), query.timeZone).date;
        const from = query.from ?? shiftDays(to, -6);
        if (from > to) throw new ValidationError('the range ends before it starts', [{ field: 'from', message: 'must not be after to' }]);
        if (shiftDays(from, MAX_DAYS) < to) throw new ValidationError('the range is too long', [{ field: 'to', message: `at most ${MAX_DAYS} days` }]);
        const report = await botReport(ctx.database.db, tenant.id, zonedInstant(from, 0, query.timeZone), zonedInstant(shiftDays(to, 1), 0, query.timeZone));
        return c.json(report as z.infer<typeof reportAnswer>);
      },
    }),
  ];
}
