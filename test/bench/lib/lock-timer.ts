// Times the tenant's routing lock from the client: when the statement that takes it returned, and
// when the batch's transaction committed; and counts the batch's statements, before and under it.
// A query plugin, so the pipeline is measured unchanged.
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/** One batch's transaction: `lockedAt` is set when its first routing lock was granted (ms). */
export class LockTimer implements KyselyPlugin {
  lockedAt: number | undefined;
  /** Statements sent by the batch, and of those, after its first routing lock was granted. */
  statements = 0;
  statementsLocked = 0;
  private readonly lockQueries = new WeakSet<object>();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node as { kind: string; sqlFragments?: readonly string[] };
    if (node.kind === 'RawNode' && node.sqlFragments?.some((f) => f.includes('pg_advisory_xact_lock'))) this.lockQueries.add(args.queryId);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.lockedAt !== undefined) this.statementsLocked++;
    this.statements++;
    if (this.lockQueries.has(args.queryId)) this.lockedAt ??= performance.now();
    return args.result;
  }
}

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toPrecision(3));
}
