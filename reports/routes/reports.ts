import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { can } from '../../core/auth/permissions.js';
import { monitorSnapshot } from '../monitor.js';
import { REPORT_NAMES, runReport } from '../queries/reports.js';
import { reportDb, reportSettings } from '../schema.js';
import { reportQuery, scopeOf } from '../scope.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { answer } from '../../console/server/api/answers.js';
import { reportAnswer } from './report-answer.js';

const reportParams = z.object({ report: z.enum(REPORT_NAMES) });
const byStatus = z.object({ online: z.number(), busy: z.number(), away: z.number(), offline: z.number() });
/** The wallboard right now. */
const monitorSchema = z
  .object({
    at: z.string(),
    queues: z.array(
      z.object({
        groupId: z.string().nullable().describe('null: what waits without a group'),
        name: z.string().nullable(),
        waitingConversations: z.number(),
        waitingCalls: z.number(),
        longestWaitSeconds: z.number().nullable(),
        agents: byStatus,
      }),
    ),
    agents: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), since: z.string(), openConversations: z.number() })),
    agentsByState: byStatus,
  })
  .meta({ id: 'MonitorAnswer' });
const dimensions = z
  .object({
    channels: z.array(z.object({ id: z.string(), name: z.string(), type: z.string() })),
    groups: z.array(z.object({ id: z.string(), name: z.string() })),
    agents: z.array(z.object({ id: z.string(), name: z.string() })),
  })
  .meta({ id: 'ReportDimensions' });
const settingsAnswer = z.object({ serviceLevelSeconds: z.number(), surveysEnabled: z.boolean() });
const settingsBody = z.object({ serviceLevelSeconds: z.number().int().min(1).max(3600).optional(), surveysEnabled: z.boolean().optional() });

/** The table a report's CSV holds: its rows when it has rows, its series otherwise. */
function csvOf(result: { rows?: object[]; series?: { points: object[] } }): string {
  const rows = (result.rows?.length ? result.rows : (result.series?.points ?? [])) as Record<string, unknown>[];
  const columns = rows.length ? Object.keys(rows[0]!) : ['key'];
  return stringify(rows, { header: true, columns, cast: { boolean: (v) => String(v) } });
}

export function reportRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/reports/monitor',
      tag: 'reports',
      summary: 'The live monitor: per group the waiting conversations and calls, the longest wait and agents by status; every agent with their status',
      access: { permission: 'reports.monitor' },
      responds: monitorSchema,
      handler: async ({ c, ctx, tenant }) => answer(c, monitorSchema, await monitorSnapshot(ctx.database.db, tenant.id)),
    }),
    route({
      method: 'get',
      path: '/reports/dimensions',
      tag: 'reports',
      summary: "What the reports can be filtered by: the company's channels, groups and agents (only oneself without reports.view)",
      access: { anyOf: ['reports.view', 'reports.view.own'] },
      responds: dimensions,
      handler: async ({ c, ctx, tenant, auth }) => {
        const db = ctx.database.db;
        const all = can(auth.principal, 'reports.view');
        let agents = db.selectFrom('users').select(['id', 'name']).where('tenant_id', '=', tenant.id).orderBy('name');
        if (!all) agents = agents.where('id', '=', auth.principal.userId);
        const [channels, groups, people] = await Promise.all([
          db.selectFrom('channels').select(['id', 'name', 'type']).where('tenant_id', '=', tenant.id).orderBy('name').execute(),
          db.selectFrom('groups').select(['id', 'name']).where('tenant_id', '=', tenant.id).orderBy('name').execute(),
          agents.execute(),
        ]);
        return answer(c, dimensions, { channels, groups, agents: people });
      },
    }),
    route({
      method: 'get',
      path: '/reports/settings',
      tag: 'reports',
      summary: "The company's report settings: the calls' service-level threshold, whether surveys are sent",
      access: { anyOf: ['reports.view', 'admin.routing'] },
      responds: settingsAnswer,
      handler: async ({ c, ctx, tenant }) => answer(c, settingsAnswer, await reportSettings(reportDb(ctx.database.db), tenant.id)),
    }),
    route({
      method: 'put',
      path: '/reports/settings',
      tag: 'reports',
      summary: "Changes the company's report settings (a new threshold applies to calls from the next rebuild or refresh of their hour)",
      access: { permission: 'admin.routing' },
      body: settingsBody,
      example: { serviceLevelSeconds: 30 },
      responds: settingsAnswer,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = reportDb(ctx.database.db);
        const current = await reportSettings(db, tenant.id);
        const next = {
          serviceLevelSeconds: body.serviceLevelSeconds ?? current.serviceLevelSeconds,
          surveysEnabled: body.surveysEnabled ?? current.surveysEnabled,
        };
        await db
          .insertInto('report_settings')
          .values({ tenant_id: tenant.id, service_level_seconds: next.serviceLevelSeconds, surveys_enabled: next.surveysEnabled })
          .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ service_level_seconds: next.serviceLevelSeconds, surveys_enabled: next.surveysEnabled }))
          .execute();
        await audit(ctx.database.db, auth, 'reports.settings', { type: 'tenant', id: tenant.id }, next);
        return answer(c, settingsAnswer, next);
      },
    }),
    route({
      method: 'get',
      path: '/reports/:report',
      tag: 'reports',
      summary:
        "A report (overview, channels, agents, groups, calls, csat) for days in a time zone, filtered by channel, group, agent and tag; ?format=csv for a CSV file. Without reports.view only the caller's own work",
      access: { anyOf: ['reports.view', 'reports.view.own'] },
      params: reportParams,
      query: reportQuery,
      responds: reportAnswer,
      handler: async ({ c, ctx, auth, params, query }) => {
        const scope = scopeOf(auth.principal, query);
        const result = await runReport(ctx.database.db, params.report, scope);
        const meta = {
          from: scope.from.toISOString(),
          to: scope.to.toISOString(),
          timeZone: scope.timeZone,
          ownOnly: !can(auth.principal, 'reports.view'),
        };
        if (query.format === 'csv') {
          c.header('Content-Type', 'text/csv; charset=utf-8');
          c.header('Content-Disposition', `attachment; filename="${params.report}-${query.from ?? 'from'}-${query.to ?? 'to'}.csv"`);
          return c.body(csvOf(result));
        }
        return answer(c, reportAnswer, { ...meta, ...result });
      },
    }),
  ];
}
