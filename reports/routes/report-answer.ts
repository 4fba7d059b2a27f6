import { z } from 'zod';

/*
 * The answer of `GET /reports/:report`, one shape per report told apart by `report`, for the API
 * description and the web app's types: the figures as reports/queries/figures.ts makes them
 * (docs/reports.md defines each). Durations are seconds; a mean or a share with nothing to
 * measure is null.
 */

const count = z.number();
const measured = z.number().nullable();

const conversationFigures = {
  created: count,
  resolved: count,
  reopened: count,
  handled: count,
  queued: count,
  abandoned: count,
  firstResponses: count,
  avgFirstResponseSeconds: measured,
  avgFirstResponseBusinessSeconds: measured,
  avgResolutionSeconds: measured,
  avgResolutionBusinessSeconds: measured,
  avgQueueWaitSeconds: measured,
  avgAbandonWaitSeconds: measured,
};
const callFigures = {
  callsOffered: count,
  callsAnswered: count,
  callsAbandoned: count,
  avgCallWaitSeconds: measured,
  serviceLevelPercent: measured,
  avgHandleSeconds: measured,
};
const csatFigures = { csatResponses: count, csatAverage: measured, csatPercent: measured };
const ticketFigures = { ticketsCreated: count, ticketsSolved: count, slaAchieved: count, slaBreached: count, slaAchievedPercent: measured };

/** Every figure, of one row, one point of a series or the totals. */
const figures = z
  .object({ ...conversationFigures, messagesIn: count, messagesOut: count, ...callFigures, ...csatFigures, ...ticketFigures })
  .meta({ id: 'ReportFigures' });

/** By day for ranges over two days, else by hour; `key` is the day or the hour's start. */
const seriesOf = <S extends z.ZodObject>(point: S) => z.object({ step: z.enum(['day', 'hour']), points: z.array(point.extend({ key: z.string() })) });
/** A row of a channel, group or agent; `id` and `name` null for what has none (a conversation without a group). */
const rowOf = <S extends z.ZodObject>(row: S) => row.extend({ id: z.string().nullable(), name: z.string().nullable() });

const meta = {
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  ownOnly: z.boolean().describe('without reports.view: the caller’s own work only'),
};

const calls = z.object(callFigures);
const tickets = z.object(ticketFigures);
const csat = z.object(csatFigures);

export const reportAnswer = z
  .discriminatedUnion('report', [
    z.object({ report: z.literal('overview'), ...meta, totals: figures, series: seriesOf(figures) }),
    z.object({ report: z.enum(['channels', 'groups']), ...meta, totals: figures, rows: z.array(rowOf(figures)) }),
    z.object({
      report: z.literal('agents'),
      ...meta,
      totals: figures,
      rows: z.array(rowOf(figures.extend({ onlineSeconds: count, busySeconds: count, awaySeconds: count }))),
    }),
    z.object({ report: z.literal('calls'), ...meta, totals: calls, series: seriesOf(calls), rows: z.array(rowOf(calls)) }),
    z.object({ report: z.literal('tickets'), ...meta, totals: tickets, series: seriesOf(tickets), rows: z.array(rowOf(tickets)) }),
    z.object({
      report: z.literal('csat'),
      ...meta,
      totals: csat,
      series: seriesOf(csat),
      distribution: z.array(z.object({ rating: z.number(), count })),
      comments: z.array(
        z.object({ conversationId: z.string(), rating: z.number(), comment: z.string(), answeredAt: z.string(), agentId: z.string().nullable() }),
      ),
    }),
  ])
  .meta({ id: 'ReportAnswer' });
