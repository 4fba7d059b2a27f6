import { createHash } from 'node:crypto';
import { KEEP_PLAN } from '../keep-plan.js';

interface Queryable {
  query(...args: unknown[]): unknown;
}

/** PostgreSQL's codes for a kept plan the connection can no longer use. */
const STALE_PLAN = new Set([
  // "cached plan must not change result type": a table under a `select *` gained a column.
  '0A000',
  // "prepared statement does not exist": the session's statements were discarded.
  '26000',
]);

/**
 * A connection's `query` that sends a statement marked with KEEP_PLAN (../keep-plan.ts) as a
 * named prepared statement, named by its text: node-postgres parses it once per connection and
 * then only binds and executes it. When PostgreSQL says the kept statement is no longer usable
 * (a table changed shape under a `select *`, or the session dropped its statements), it is
 * prepared again under a new name: at once when no transaction is open on the connection (the
 * failed run changed nothing), else on the next run (the transaction fails as on any statement
 * error, and its caller tries again).
 */
export function keepingPlans<Q extends Queryable>(client: Q): Q['query'] {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  const names = new Map<string, string>();
  let renamed = 0;
  let inTransaction = false;
  const run = (text: string, values: unknown): Promise<unknown> => {
    let name = names.get(text);
    if (!name) {
      name = `sb_${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`;
      names.set(text, name);
    }
    const used = name;
    return (original({ name: used, text, values }) as Promise<unknown>).catch((error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code !== 'string' || !STALE_PLAN.has(code)) throw error;
      if (names.get(text) === used) names.set(text, `${used}_${++renamed}`);
      if (inTransaction) throw error;
      return original({ name: names.get(text), text, values });
    });
  };
  return ((...args: unknown[]) => {
    const [text, values] = args;
    if (typeof text === 'string' && args.length <= 2) {
      if (text.includes(KEEP_PLAN)) return run(text, values);
      // Kysely opens and ends its transactions with these words, on the connection it lends.
      const word = text.trimStart().slice(0, 8).toLowerCase();
      if (word.startsWith('begin') || word.startsWith('start')) inTransaction = true;
      else if (word.startsWith('commit') || word.startsWith('rollback') || word.startsWith('end')) inTransaction = false;
    }
    return original(...args);
  }) as Q['query'];
}
