import { sql } from 'kysely';

/**
 * The mark of a statement run again and again with the same text (a batch's look-ups by arrays
 * of keys, the agents' pool): on PostgreSQL it becomes a prepared statement of its connection,
 * planned a few times and then run on the kept plan, instead of planned on every run. Planning
 * was a quarter of the database's statement time on the inbound path (`pg_stat_statements` on
 * the end-to-end bench: 3.9 s planning beside 10.3 s executing), most of it in these look-ups,
 * each planned anew for a 1 ms run. A comment, so PGlite and any log read it as one.
 *
 * Only for statements whose text does not vary with the data (keys passed as arrays, not as a
 * list of parameters): each distinct text is kept by every connection that runs it.
 */
export const KEEP_PLAN = '/* keep plan */';

/** The mark as a Kysely expression: `builder.modifyEnd(keepPlan)`, or `${keepPlan}` in a `sql` template. */
export const keepPlan = sql.raw(KEEP_PLAN);
