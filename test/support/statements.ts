import type { KyselyPlugin, OperationNode, QueryId } from 'kysely';
import type { Db } from '../../core/db/database.js';

/**
 * The statements run through a database handle, as they run: `db` is the same database with a
 * plugin that notes each query as it is built and counts it once its result comes back (once
 * per statement sent, whatever builds it). `tables()` names the tables each statement mentions.
 */
export function countStatements(db: Db) {
  const built = new Map<string, OperationNode>();
  let ran: OperationNode[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      built.set(queryId.queryId, node);
      return node;
    },
    transformResult: async ({ result, queryId }: { result: any; queryId: QueryId }) => {
      const node = built.get(queryId.queryId);
      built.delete(queryId.queryId);
      if (node) ran.push(node);
      return result;
    },
  };
  return {
    db: db.withPlugin(plugin),
    /** How many statements ran since the last `reset`. */
    count: () => ran.length,
    /** For each statement since the last `reset`, the known tables its text or tree names. */
    tables: (known: readonly string[]) => ran.map((node) => known.filter((t) => mentions(node, t))),
    reset: () => {
      ran = [];
    },
  };
}

function mentions(node: OperationNode, table: string): boolean {
  return new RegExp(`\\b${table}\\b`).test(JSON.stringify(node));
}
