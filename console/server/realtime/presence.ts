import { sql } from 'kysely';
import type { Context } from '../../../core/context.js';
import type { Db } from '../../../core/db/database.js';
import { setAgentStatus } from '../../../router/actions.js';

/**
 * Presence from heartbeats. Each open console socket is a row with its last heartbeat; when an
 * agent's last live socket goes (closed, or silent past the timeout — any process notices), an
 * online agent becomes away. When they come back, an agent that presence made away is online
 * again; an agent who chose away stays away. The status itself changes through the router's
 * `setAgentStatus`, under its lock: coming back online takes waiting conversations at once.
 */
export class Presence {
  private readonly db: Db;

  constructor(
    private readonly ctx: Pick<Context, 'database' | 'relay' | 'logger'>,
    private readonly nodeId: string,
    private readonly timeoutMs: number,
  ) {
    this.db = ctx.database.db;
  }

  /** Registers a socket; answers whether it brought the agent back online. */
  async connected(connection: { id: string; tenantId: string; userId: string }): Promise<boolean> {
    const wasAwayByPresence = await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('agent_connections')
        .values({ id: connection.id, tenant_id: connection.tenantId, user_id: connection.userId, node_id: this.nodeId })
        .execute();
      const presence = await trx
        .selectFrom('agent_presence')
        .select('away_by_presence')
        .where('user_id', '=', connection.userId)
        .where('tenant_id', '=', connection.tenantId)
        .forUpdate()
        .executeTakeFirst();
      if (!presence?.away_by_presence) return false;
      await trx.updateTable('agent_presence').set({ away_by_presence: false }).where('user_id', '=', connection.userId).execute();
      return true;
    });
    if (!wasAwayByPresence) return false;
    const user = await this.db
      .selectFrom('users')
      .select('agent_status')
      .where('tenant_id', '=', connection.tenantId)
      .where('id', '=', connection.userId)
      .executeTakeFirst();
    if (user?.agent_status !== 'away') return false;
    await setAgentStatus(this.ctx, { tenantId: connection.tenantId, userId: connection.userId, status: 'online' });
    return true;
  }

  async heartbeat(connectionIds: string[]): Promise<void> {
    if (connectionIds.length === 0) return;
    await this.db.updateTable('agent_connections').set({ last_heartbeat_at: sql`now()` }).where('id', 'in', connectionIds).execute();
  }

  async disconnected(connection: { id: string; tenantId: string; userId: string }): Promise<boolean> {
    await this.db.deleteFrom('agent_connections').where('id', '=', connection.id).execute();
    return this.awayIfGone(connection.tenantId, connection.userId);
  }

  /** Drops sockets silent past the timeout (their process may have died) and updates their agents. */
  async sweep(): Promise<boolean> {
    const gone = await this.db
      .deleteFrom('agent_connections')
      .where('last_heartbeat_at', '<', new Date(Date.now() - this.timeoutMs))
      .returning(['tenant_id', 'user_id'])
      .execute();
    let changed = false;
    for (const key of new Set(gone.map((g) => `${g.tenant_id}|${g.user_id}`))) {
      const [tenantId, userId] = key.split('|') as [string, string];
      changed = (await this.awayIfGone(tenantId, userId)) || changed;
    }
    return changed;
  }

  private async awayIfGone(tenantId: string, userId: string): Promise<boolean> {
    const gone = await this.db.transaction().execute(async (trx) => {
      // Lock the agent's row so two processes deciding at once agree.
      const user = await trx
        .selectFrom('users')
        .select('agent_status')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', userId)
        .forUpdate()
        .executeTakeFirst();
      if (user?.agent_status !== 'online') return false;
      const live = await trx
        .selectFrom('agent_connections')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('last_heartbeat_at', '>=', new Date(Date.now() - this.timeoutMs))
        .executeTakeFirst();
      if (live) return false;
      await trx
        .insertInto('agent_presence')
        .values({ tenant_id: tenantId, user_id: userId, away_by_presence: true })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ away_by_presence: true }))
        .execute();
      return true;
    });
    if (gone) await setAgentStatus(this.ctx, { tenantId, userId, status: 'away' });
    return gone;
  }
}
