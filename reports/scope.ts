import { z } from 'zod';
import { can, type Principal } from '../core/auth/permissions.js';
import { isValidTimeZone, localTime, zonedInstant } from '../core/calendar/business-hours.js';
import { ValidationError } from '../core/errors.js';
import type { ReportScope } from './queries/rollup-query.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** The query every report takes. `from` and `to` are days in `timeZone`, both included. */
export const reportQuery = z.object({
  from: day.optional(),
  to: day.optional(),
  timeZone: z.string().min(1).max(64).default('UTC').refine(isValidTimeZone, 'an IANA time zone such as Asia/Shanghai'),
  channelId: z.uuid().optional(),
  groupId: z.uuid().optional(),
  agentId: z.uuid().optional(),
  tag: z.string().min(1).max(100).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

export type ReportQuery = z.infer<typeof reportQuery>;

const MAX_DAYS = 400;

/**
 * The report's scope from the query and who asks: the range's days cut in the time zone (the last
 * 7 days when none is given), and for someone who may see only their own work, the agent filter
 * set to themselves whatever they asked.
 */
export function scopeOf(principal: Principal, query: ReportQuery, now = new Date()): ReportScope {
  const today = localTime(now, query.timeZone).date;
  const to = query.to ?? today;
  const from = query.from ?? shiftDays(to, -6);
  if (from > to) throw new ValidationError('the range ends before it starts', [{ field: 'from', message: 'must not be after to' }]);
  if (shiftDays(from, MAX_DAYS) < to) throw new ValidationError('the range is too long', [{ field: 'to', message: `at most ${MAX_DAYS} days` }]);
  const scope: ReportScope = {
    tenantId: principal.tenantId,
    from: zonedInstant(from, 0, query.timeZone),
    to: zonedInstant(shiftDays(to, 1), 0, query.timeZone),
    timeZone: query.timeZone,
    channelId: query.channelId,
    groupId: query.groupId,
    agentId: query.agentId,
    tag: query.tag,
  };
  if (!can(principal, 'reports.view')) scope.agentId = principal.userId;
  return scope;
}

function shiftDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * 86_400_000).toISOString().slice(0, 10);
}
