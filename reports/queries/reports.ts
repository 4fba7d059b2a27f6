import type { Db } from '../../core/db/database.js';
import { latestComments, ratingCounts } from '../../surveys/part.js';
import { allSums, openStateSeconds } from './figures.js';
import type { ReportScope } from './rollup-query.js';

export const REPORT_NAMES = ['overview', 'channels', 'agents', 'groups', 'tickets', 'calls', 'csat'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

/** Days for ranges over two days, hours for shorter ones. */
const seriesStep = (scope: ReportScope): 'day' | 'hour' => (scope.to.getTime() - scope.from.getTime() > 2 * 86_400_000 ? 'day' : 'hour');

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

/** By channel or group: some rollups lack the dimension, so the totals are summed on their own. */
export async function dimensionReport(db: Db, scope: ReportScope, by: 'channel' | 'group') {
  const [sums, labels, totals] = await Promise.all([
    allSums(db, scope, by),
    names(db, scope.tenantId, by === 'channel' ? 'channels' : 'groups'),
    allSums(db, scope, 'all'),
  ]);
  return { rows: byName([...sums.keys].map((key) => rowOf(key, labels, sums))), totals: totals.figuresOf('all') };
}

/** By agent, with the time in each status: the totals are the rows added up (every rollup has an agent column). */
export async function agentsReport(db: Db, scope: ReportScope, now: Date) {
  const [sums, labels, open] = await Promise.all([allSums(db, scope, 'agent'), names(db, scope.tenantId, 'users'), openStateSeconds(db, scope, now)]);
  const rows = [...new Set([...sums.keys, ...open.keys()])]
    .filter((key) => !scope.agentId || key === scope.agentId)
    .map((key) => {
      const states = sums.statesOf(key);
      const current = open.get(key);
      if (current) states[`${current.status as 'online' | 'busy' | 'away'}Seconds`] += current.seconds;
      return { ...rowOf(key, labels, sums), ...states };
    });
  return { rows: byName(rows), totals: sums.totalFigures() };
}

type Sums = Awaited<ReturnType<typeof allSums>>;
/** A row of one channel, group or agent; `key` '' is what has none (a conversation without a group). */
const rowOf = (key: string, labels: Map<string, string>, sums: Sums) => ({
  id: key || null,
  name: key ? (labels.get(key) ?? key) : null,
  ...sums.figuresOf(key),
});
const byName = <R extends { name: string | null }>(rows: R[]) => rows.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));

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

/** The report, tagged with its name (the API's answer tells the reports apart by it). */
export async function runReport(db: Db, name: ReportName, scope: ReportScope, now = new Date()) {
  switch (name) {
    case 'overview':
      return { report: name, ...(await overviewReport(db, scope)) };
    case 'channels':
      return { report: name, ...(await dimensionReport(db, scope, 'channel')) };
    case 'groups':
      return { report: name, ...(await dimensionReport(db, scope, 'group')) };
    case 'agents':
      return { report: name, ...(await agentsReport(db, scope, now)) };
    case 'tickets':
      return { report: name, ...(await ticketsReport(db, scope)) };
    case 'calls':
      return { report: name, ...(await callsReport(db, scope)) };
    case 'csat':
      return { report: name, ...(await csatReport(db, scope)) };
  }
}
