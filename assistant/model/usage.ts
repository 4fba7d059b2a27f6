import { sql, type Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.js';
import { modelDb } from './schema.js';

/** One call to a company's model, as it is kept. */
export interface UsageRecord {
  tenantId: string;
  feature: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  /** Why it failed (a ModelUnavailableError reason, or `http_<status>`, `refused`, `unreachable`); none when it answered. */
  errorCode?: string;
}

/** Keeps one call's tokens, latency and outcome. */
export async function recordUsage(db: Kysely<Database>, usage: UsageRecord): Promise<void> {
  await modelDb(db)
    .insertInto('ai_usage')
    .values({
      tenant_id: usage.tenantId,
      feature: usage.feature,
      model: usage.model.slice(0, 200),
      prompt_tokens: Math.max(0, Math.round(usage.promptTokens)),
      completion_tokens: Math.max(0, Math.round(usage.completionTokens)),
      latency_ms: Math.max(0, Math.round(usage.latencyMs)),
      outcome: usage.errorCode ? 'error' : 'ok',
      error_code: usage.errorCode ?? null,
    })
    .execute();
}

export interface UsageFigures {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** Latency of the calls that answered. */
  latency: { medianMs: number | null; p95Ms: number | null };
  errors: number;
}

export interface UsageSummary extends UsageFigures {
  from: string;
  to: string;
  byFeature: (UsageFigures & { feature: string; errorsByCode: Record<string, number> })[];
}

/** A company's calls to its model in [from, to): counts, tokens, latency median and 95th percentile, errors by feature and why. */
export async function usageSummary(db: Kysely<Database>, tenantId: string, from: Date, to: Date): Promise<UsageSummary> {
  const figures = [
    sql<number>`count(*)::int`.as('calls'),
    sql<number>`coalesce(sum(prompt_tokens), 0)::bigint`.as('prompt_tokens'),
    sql<number>`coalesce(sum(completion_tokens), 0)::bigint`.as('completion_tokens'),
    sql<number | null>`percentile_cont(0.5) within group (order by latency_ms) filter (where outcome = 'ok')`.as('median'),
    sql<number | null>`percentile_cont(0.95) within group (order by latency_ms) filter (where outcome = 'ok')`.as('p95'),
    sql<number>`count(*) filter (where outcome = 'error')::int`.as('errors'),
  ] as const;
  const scoped = () => modelDb(db).selectFrom('ai_usage').where('tenant_id', '=', tenantId).where('at', '>=', from).where('at', '<', to);
  const [total, features, codes] = await Promise.all([
    scoped().select(figures).executeTakeFirstOrThrow(),
    scoped()
      .select(['feature', ...figures])
      .groupBy('feature')
      .orderBy('feature')
      .execute(),
    scoped()
      .select(['feature', 'error_code', sql<number>`count(*)::int`.as('n')])
      .where('outcome', '=', 'error')
      .groupBy(['feature', 'error_code'])
      .execute(),
  ]);
  const shape = (row: typeof total): UsageFigures => ({
    calls: Number(row.calls),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    latency: {
      medianMs: row.median === null ? null : Math.round(Number(row.median)),
      p95Ms: row.p95 === null ? null : Math.round(Number(row.p95)),
    },
    errors: Number(row.errors),
  });
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    ...shape(total),
    byFeature: features.map((row) => ({
      feature: row.feature,
      ...shape(row),
      errorsByCode: Object.fromEntries(codes.filter((c) => c.feature === row.feature).map((c) => [c.error_code ?? 'unknown', Number(c.n)])),
    })),
  };
}
