// Reports over a large company: BENCH_CONVERSATIONS conversations (default 1,000,000) and
// BENCH_MESSAGES messages (default 10,000,000) over 90 days, 5 channels, 10 groups, 100 agents,
// written straight into the tables with generate_series (the status history beside them, as the
// triggers would have written it), then the rollups rebuilt. Scenarios: every report for the last
// 7 days, the last 30 days and all 90, unfiltered and filtered (group, agent), and the live
// monitor; p95 per report. Needs DATABASE_URL (a fresh database beside it).
// Prints one JSON object per scenario on stdout.
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { monitorSnapshot } from '../../reports/monitor.js';
import { REPORT_NAMES, runReport } from '../../reports/queries/reports.js';
import type { ReportScope } from '../../reports/queries/rollup-query.js';
import { rebuildReports } from '../../reports/rollup/refresh.js';
import { freshDatabase } from '../support/services.js';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1_000_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const DAYS = 90;
const END = new Date(Date.UTC(2026, 10, 30));
const START = new Date(END.getTime() - DAYS * 86_400_000);

const log = (text: string) => process.stderr.write(`reports bench: ${text}\n`);

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('the reports benchmark needs DATABASE_URL');
  const handle = await freshDatabase('pg');
  const db = handle.db;
  try {
    const t0 = performance.now();
    const tenant = await db.insertInto('tenants').values({ slug: 'bench-reports', name: 'Bench' }).returning('id').executeTakeFirstOrThrow();
    const T = tenant.id;
    const role = await db.insertInto('roles').values({ tenant_id: T, name: 'agent', builtin: true }).returning('id').executeTakeFirstOrThrow();
    const seed = async (text: string, q: ReturnType<typeof sql>) => {
      const s = performance.now();
      await db.connection().execute(async (c) => {
        await sql`SET session_replication_role = replica`.execute(c);
        await sql`SET work_mem = '256MB'`.execute(c);
        await q.execute(c);
      });
      log(`${text} in ${Math.round(performance.now() - s)} ms`);
    };
    await seed(
      'channels, groups, agents',
      sql`
      WITH ch AS (INSERT INTO channels (tenant_id, type, name) SELECT ${T}, 'web', 'channel ' || i FROM generate_series(1, 5) i RETURNING id),
           gr AS (INSERT INTO groups (tenant_id, name) SELECT ${T}, 'group ' || i FROM generate_series(1, 10) i RETURNING id)
      INSERT INTO users (tenant_id, email, name, role_id, account_status, agent_status)
      SELECT ${T}, 'agent' || i || '@bench.example', 'Agent ' || lpad(i::text, 3, '0'), ${role.id}, 'active', (ARRAY['online','busy','away','offline'])[1 + i % 4]
        FROM generate_series(1, 100) i`,
    );
    await seed(
      'group members',
      sql`
      INSERT INTO group_members (tenant_id, group_id, user_id)
      SELECT ${T}, g.id, u.id FROM (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM users WHERE tenant_id = ${T}) u
        JOIN (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM groups WHERE tenant_id = ${T}) g ON g.n = u.n % 10`,
    );
    await seed(
      '200,000 contacts',
      sql`
      INSERT INTO contacts (tenant_id, name, tags) SELECT ${T}, 'customer ' || i, CASE i % 3 WHEN 0 THEN '{vip}'::text[] WHEN 1 THEN '{}'::text[] ELSE '{new}'::text[] END
        FROM generate_series(1, 200000) i`,
    );
    // Lookup arrays: the n-th channel, group, agent (agents by group).
    await seed(
      `${CONVERSATIONS} conversations`,
      sql`
      WITH ch AS (SELECT array_agg(id ORDER BY name) a FROM channels WHERE tenant_id = ${T}),
           gr AS (SELECT array_agg(id ORDER BY name) a FROM groups WHERE tenant_id = ${T}),
           us AS (SELECT array_agg(id ORDER BY name) a FROM users WHERE tenant_id = ${T}),
           co AS (SELECT array_agg(id) a FROM contacts WHERE tenant_id = ${T})
      INSERT INTO conversations (tenant_id, channel_id, contact_id, thread_key, status, group_id, assignee_id, created_at, updated_at, assigned_at, first_response_at, resolved_at)
      SELECT ${T}, ch.a[1 + i % 5], co.a[1 + i % 200000], 'b' || i, 'resolved', gr.a[1 + i % 10], us.a[1 + (i % 10) + 10 * ((i / 10) % 10)],
             c, c, c + interval '3 minutes', c + interval '5 minutes', c + interval '40 minutes'
        FROM ch, gr, us, co, generate_series(1, ${CONVERSATIONS}) i,
             LATERAL (SELECT ${START}::timestamptz + (i::float8 / ${CONVERSATIONS}) * interval '${sql.raw(String(DAYS))} days' AS c) t`,
    );
    await seed(
      'status history (5 rows per conversation)',
      sql`
      INSERT INTO report_conversation_log (tenant_id, conversation_id, kind, at, channel_id, group_id, agent_id, tags, since, wait_since)
      SELECT c.tenant_id, c.id, k.kind, CASE k.kind WHEN 'created' THEN c.created_at WHEN 'queued' THEN c.created_at WHEN 'assigned' THEN c.assigned_at
                                             WHEN 'first_response' THEN c.first_response_at ELSE c.resolved_at END,
             c.channel_id, c.group_id, CASE WHEN k.kind IN ('created', 'queued') THEN NULL ELSE c.assignee_id END, t.tags,
             CASE WHEN k.kind IN ('first_response', 'resolved') THEN c.created_at END, CASE WHEN k.kind = 'assigned' THEN c.created_at END
        FROM conversations c JOIN contacts t ON t.id = c.contact_id
        CROSS JOIN (VALUES ('created'), ('queued'), ('assigned'), ('first_response'), ('resolved')) k(kind)
       WHERE c.tenant_id = ${T}`,
    );
    await seed(
      `${MESSAGES} messages`,
      sql`
      INSERT INTO messages (tenant_id, conversation_id, channel_id, direction, sender_type, sender_id, content, status, created_at)
      SELECT c.tenant_id, c.id, c.channel_id, CASE WHEN m % 2 = 0 THEN 'in' ELSE 'out' END, CASE WHEN m % 2 = 0 THEN 'contact' ELSE 'agent' END,
             CASE WHEN m % 2 = 0 THEN NULL ELSE c.assignee_id END, '[]', 'received', c.created_at + m * interval '4 minutes'
        FROM conversations c CROSS JOIN generate_series(0, ${Math.max(1, Math.round(MESSAGES / CONVERSATIONS)) - 1}) m
       WHERE c.tenant_id = ${T}`,
    );
    await seed(
      '100,000 calls',
      sql`
      WITH ch AS (SELECT array_agg(id ORDER BY name) a FROM channels WHERE tenant_id = ${T}),
           gr AS (SELECT array_agg(id ORDER BY name) a FROM groups WHERE tenant_id = ${T}),
           us AS (SELECT array_agg(id ORDER BY name) a FROM users WHERE tenant_id = ${T})
      INSERT INTO calls (tenant_id, channel_id, provider_call_id, direction, from_number, to_number, state, group_id, agent_id, started_at, queued_at, answered_at, ended_at, wait_seconds, talk_seconds)
      SELECT ${T}, ch.a[1], 'call' || i, 'in', '+1', '+2', 'ended', gr.a[1 + i % 10], CASE WHEN i % 7 = 0 THEN NULL ELSE us.a[1 + (i % 10) + 10 * ((i / 10) % 10)] END,
             s, s, CASE WHEN i % 7 = 0 THEN NULL ELSE s + (i % 60) * interval '1 second' END, s + interval '5 minutes', i % 60, CASE WHEN i % 7 = 0 THEN NULL ELSE 300 - i % 60 END
        FROM ch, gr, us, generate_series(1, 100000) i, LATERAL (SELECT ${START}::timestamptz + (i::float8 / 100000) * interval '${sql.raw(String(DAYS))} days' AS s) t`,
    );
    await seed(
      '200,000 survey answers',
      sql`
      INSERT INTO csat_responses (tenant_id, conversation_id, rating, comment, via, channel_id, group_id, agent_id, answered_at)
      SELECT tenant_id, id, 1 + (hashtext(id::text) & 3) + (CASE WHEN random() < 0.5 THEN 1 ELSE 0 END), '', 'link', channel_id, group_id, assignee_id, resolved_at + interval '10 minutes'
        FROM conversations WHERE tenant_id = ${T} AND thread_key LIKE '%0' OR (tenant_id = ${T} AND thread_key LIKE '%5')`,
    );
    await seed(
      'agent status history',
      sql`
      INSERT INTO report_agent_log (tenant_id, agent_id, status, at)
      SELECT ${T}, u.id, (ARRAY['online','busy','online','away','online','offline'])[1 + s % 6], ${START}::timestamptz + (d * 24 + 8 + s * 1.7) * interval '1 hour'
        FROM users u, generate_series(0, ${DAYS - 1}) d, generate_series(0, 5) s WHERE u.tenant_id = ${T}`,
    );
    await seed('analyze', sql`ANALYZE`);
    const seeded = performance.now() - t0;
    const r0 = performance.now();
    await rebuildReports(db, { tenantId: T, onProgress: (_t, upTo) => log(`rebuilt up to ${upTo.toISOString()}`) });
    const rebuildMs = performance.now() - r0;
    await sql`ANALYZE`.execute(db);
    const counts = await sql<{ t: string; n: string }>`
      SELECT 'conversations' t, count(*)::text n FROM conversations UNION ALL SELECT 'messages', count(*)::text FROM messages
      UNION ALL SELECT 'rollup_rows', ((SELECT count(*) FROM report_conversations_hourly) + (SELECT count(*) FROM report_messages_hourly) + (SELECT count(*) FROM report_agent_states_hourly)
        + (SELECT count(*) FROM report_calls_hourly) + (SELECT count(*) FROM report_csat_hourly))::text`.execute(db);
    const size = Object.fromEntries(counts.rows.map((r) => [r.t, Number(r.n)]));
    process.stdout.write(`${JSON.stringify({ scenario: 'reports-seed', ...size, seed_ms: Math.round(seeded), rebuild_ms: Math.round(rebuildMs) })}\n`);

    const group = (await db.selectFrom('groups').select('id').where('tenant_id', '=', T).orderBy('name').executeTakeFirstOrThrow()).id;
    const agent = (await db.selectFrom('users').select('id').where('tenant_id', '=', T).orderBy('name').executeTakeFirstOrThrow()).id;
    const ranges = { '7d': 7, '30d': 30, '90d': DAYS };
    const allSamples: number[] = [];
    const zones = { UTC: 'UTC', Shanghai: 'Asia/Shanghai' };
    for (const [rangeName, days] of Object.entries(ranges)) {
      for (const [filterName, filter] of Object.entries({ all: {}, group: { groupId: group }, agent: { agentId: agent } })) {
        for (const [zoneName, timeZone] of Object.entries(zones)) {
          for (const report of REPORT_NAMES) {
            // Days of a zone other than UTC are cut from hours at their edges: Shanghai's start at 16:00 UTC.
            const offset = zoneName === 'UTC' ? 0 : 8 * 3_600_000;
            const scope: ReportScope = {
              tenantId: T,
              from: new Date(END.getTime() - days * 86_400_000 - offset),
              to: new Date(END.getTime() - offset),
              timeZone,
              ...filter,
            };
            await runReport(db, report, scope, END); // warm
            const samples: number[] = [];
            for (let i = 0; i < RUNS; i++) {
              const s = performance.now();
              await runReport(db, report, scope, END);
              samples.push(performance.now() - s);
            }
            allSamples.push(...samples);
            print(`reports-${report}`, samples, {
              range: rangeName,
              filter: filterName,
              zone: zoneName,
              conversations: CONVERSATIONS,
              messages: size.messages,
            });
          }
        }
      }
    }
    const monitor: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s = performance.now();
      await monitorSnapshot(db, T);
      monitor.push(performance.now() - s);
    }
    print('reports-monitor', monitor, { conversations: CONVERSATIONS });
    print('reports-all', allSamples, { conversations: CONVERSATIONS, messages: size.messages, target_p95_ms: 300 });
  } finally {
    await handle.drop();
  }
}

function print(scenario: string, samples: number[], extra: Record<string, unknown>): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1));
  process.stdout.write(`${JSON.stringify({ scenario, ...extra, runs: samples.length, p50_ms: at(0.5), p95_ms: at(0.95), max_ms: at(1) })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
