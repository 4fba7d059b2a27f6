import type { Db } from '../../core/db/database.js';
import { latestComments, ratingCounts } from '../../surveys/part.js';
import { allSums, openStateSeconds } from './figures.js';
import type { GroupBy, ReportScope } from './rollup-query.js';

export const REPORT_NAMES = ['overview', 'channels', 'agents', 'groups', 'tickets', 'calls', 'csat'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

/** Days for ranges over two days, hours for shorter ones. */
const seriesStep = (scope: ReportScope): GroupBy => (scope.to.getTime() - scope.from.getTime() > 2 * 86_400_000 ? 'day' : 'hour');

async function names(db: Db, tenantId: string, table: 'channels' | 'groups' | 'users'): Promise<Map<string, string>> {
  const rows = await db.selectFrom(table).select(['id', 'name']).where('tenant_id', '=', tenantId).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function series(db: Db, scope: ReportScope, families?: Parameters<typeof allSums>[3]) {
  const step = seriesStep(scope);
  const sums = await allSums(db, scope, step, families);
  return { step, points: [...sums.keys].sort().map((key) => ({ key, ...sums.figuresOf(key) })) };
}

export async function overviewReport(db: Db, scope: ReportScope) {
  const [totals, over] = await Promise.all([allSums(db, scope, 'all'), series(db, scope, ['conversations', 'messages', 'calls', 'csat', 'tickets'])]);
  return { totals: totals.figuresOf('all'), series: over };
}

export async function dimensionReport(db: Db, scope: ReportScope, by: 'channel' | 'group' | 'agent', now: Date) {
  // By agent, the totals are the rows added up (every rollup has an agent column); by channel or
  // group some rollups lack the dimension, so the totals are summed on their own.
  const [sums, labels, totals, open] = await Promise.all([
    allSums(db, scope, by),
    names(db, scope.tenantId, by === 'channel' ? 'channels' : by === 'group' ? 'groups' : 'users'),
    by === 'agent' ? undefined : allSums(db, scope, 'all'),
    by === 'agent' ? openStateSeconds(db, scope, now) : Promise.resolve(new Map<string, { status: string; seconds: number }>()),
  ]);
  const keys = new Set(sums.keys);
  if (by === 'agent') for (const id of open.keys()) keys.add(id);
  const rows = [...keys]
    .filter((key) => !(by === 'agent' && scope.agentId && key !== scope.agentId))
    .map((key) => {
      const row: Record<string, unknown> = { id: key || null, name: key ? (labels.get(key) ?? key) : null, ...sums.figuresOf(key) };
      if (by === 'agent') {
        const states = sums.statesOf(key);
        const current = open.get(key);
        if (current) states[`${current.status as 'online' | 'busy' | 'away'}Seconds`] += current.seconds;
        Object.assign(row, states);
      }
      return row;
    })
    .sort((a, b) => String(a.name ?? '').localeCompare(String(b.name ?? '')));
  return { rows, totals: totals ? totals.figuresOf('all') : sums.totalFigures() };
}

export async function callsReport(db: Db, scope: ReportScope) {
  const [totals, over, byGroup, groups] = await Promise.all([
    allSums(db, scope, 'all', ['calls']),
    series(db, scope, ['calls']),
    allSums(db, scope, 'group', ['calls']),
    names(db, scope.tenantId, 'groups'),
  ]);
  const pick = (f: ReturnType<typeof totals.figuresOf>) => ({
    callsOffered: f.callsOffered,
    callsAnswered: f.callsAnswered,
    callsAbandoned: f.callsAbandoned,
    avgCallWaitSeconds: f.avgCallWaitSeconds,
    serviceLevelPercent: f.serviceLevelPercent,
    avgHandleSeconds: f.avgHandleSeconds,
  });
  return {
    totals: pick(totals.figuresOf('all')),
    series: { step: over.step, points: over.points.map((p) => ({ key: p.key, ...pick(p) })) },
    rows: [...byGroup.keys]
      .map((key) => ({ id: key || null, name: key ? (groups.get(key) ?? key) : null, ...pick(byGroup.figuresOf(key)) }))
      .filter((r) => r.callsOffered > 0),
  };
}

export async function ticketsReport(db: Db, scope: ReportScope) {
  const [totals, over, byGroup, groups] = await Promise.all([
    allSums(db, scope, 'all', ['tickets']),
    series(db, scope, ['tickets']),
    allSums(db, scope, 'group', ['tickets']),
    names(db, scope.tenantId, 'groups'),
  ]);
  const pick = (f: ReturnType<typeof totals.figuresOf>) => ({
    ticketsCreated: f.ticketsCreated,
    ticketsSolved: f.ticketsSolved,
    slaAchieved: f.slaAchieved,
    slaBreached: f.slaBreached,
    slaAchievedPercent: f.slaAchievedPercent,
  });
  return {
    totals: pick(totals.figuresOf('all')),
    series: { step: over.step, points: over.points.map((p) => ({ key: p.key, ...pick(p) })) },
    rows: [...byGroup.keys].map((key) => ({ id: key || null, name: key ? (groups.get(key) ?? key) : null, ...pick(byGroup.figuresOf(key)) })),
  };
}

export async function csatReport(db: Db, scope: ReportScope) {
  const [totals, over] = await Promise.all([allSums(db, scope, 'all', ['csat']), series(db, scope, ['csat'])]);
  const [distribution, comments] = await Promise.all([ratingCounts(db, scope), latestComments(db, scope, 50)]);
  const t = totals.figuresOf('all');
  return {
    totals: { csatResponses: t.csatResponses, csatAverage: t.csatAverage, csatPercent: t.csatPercent },
    series: {
      step: over.step,
      points: over.points.map((p) => ({ key: p.key, csatResponses: p.csatResponses, csatAverage: p.csatAverage, csatPercent: p.csatPercent })),
    },
    distribution: [1, 2, 3, 4, 5].map((rating) => ({ rating, count: distribution.find((r) => Number(r.rating) === rating)?.count ?? 0 })),
    comments: comments.map((c) => ({
      conversationId: c.conversation_id,
      rating: c.rating,
      comment: c.comment,
      answeredAt: new Date(c.answered_at).toISOString(),
      agentId: c.agent_id,
    })),
  };
}

export async function runReport(db: Db, name: ReportName, scope: ReportScope, now = new Date()) {
  switch (name) {
    case 'overview':
      return overviewReport(db, scope);
    case 'channels':
      return dimensionReport(db, scope, 'channel', now);
    case 'groups':
      return dimensionReport(db, scope, 'group', now);
    case 'agents':
      return dimensionReport(db, scope, 'agent', now);
    case 'tickets':
      return ticketsReport(db, scope);
    case 'calls':
      return callsReport(db, scope);
    case 'csat':
      return csatReport(db, scope);
  }
}
