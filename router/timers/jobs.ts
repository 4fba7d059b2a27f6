import { sql, type Transaction } from 'kysely';
import type { Database } from '../../core/db/schema.js';

/** The router's timers, one per conversation and kind at most (the job's unique key). */
export const JOB_KINDS = ['router.no_answer', 'router.overflow', 'router.auto_resolve'] as const;
export type RouterJobKind = (typeof JOB_KINDS)[number];

export interface ConversationJobPayload {
  conversationId: string;
  /** no_answer: the agent who must answer; overflow: the group it waits in. */
  agentId?: string;
  groupId?: string;
}

export const jobKey = (kind: RouterJobKind, conversationId: string) => `${kind}:${conversationId}`;

/** Sets (or moves) a conversation's timer of one kind; written in the caller's transaction. */
export async function scheduleJob(
  trx: Transaction<Database>,
  tenantId: string,
  kind: RouterJobKind,
  payload: ConversationJobPayload,
  afterSeconds: number,
): Promise<void> {
  await scheduleJobs(trx, [{ tenantId, kind, payload, afterSeconds }]);
}

/** A timer to set: `scheduleJobs`. */
export interface TimerToSet {
  tenantId: string;
  kind: RouterJobKind;
  payload: ConversationJobPayload;
  afterSeconds: number;
}

/** `scheduleJob` for many timers in one statement (each key once). */
export async function scheduleJobs(trx: Transaction<Database>, jobs: readonly TimerToSet[]): Promise<void> {
  if (jobs.length === 0) return;
  await scheduleJobsQuery(trx, jobs).execute();
}

/** The statement of `scheduleJobs`, for a caller that sends it with others (at least one job). */
export function scheduleJobsQuery(trx: Transaction<Database>, jobs: readonly TimerToSet[]) {
  return trx
    .insertInto('jobs')
    .values(
      jobs.map((job) => ({
        tenant_id: job.tenantId,
        kind: job.kind,
        key: jobKey(job.kind, job.payload.conversationId),
        run_at: sql<Date>`now() + make_interval(secs => ${job.afterSeconds})`,
        payload: JSON.stringify(job.payload),
      })),
    )
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({ run_at: eb.ref('excluded.run_at'), payload: eb.ref('excluded.payload'), attempts: 0, last_error: null })),
    );
}

export async function cancelJobs(trx: Transaction<Database>, conversationId: string, kinds: readonly RouterJobKind[]): Promise<void> {
  await cancelJobKeys(
    trx,
    kinds.map((kind) => jobKey(kind, conversationId)),
  );
}

/** Deletes the timers with these keys (`jobKey`), in one statement. */
export async function cancelJobKeys(trx: Transaction<Database>, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await trx.deleteFrom('jobs').where('key', 'in', keys).execute();
}
