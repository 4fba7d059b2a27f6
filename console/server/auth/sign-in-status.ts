import type { Context } from '../../../core/context.js';
import { setAgentStatus } from '../../../router/actions.js';

/**
 * The status an agent starts a sign-in with, as the company decides: "keep" leaves the last one
 * (an agent whose tabs closed while online comes back online), "online" or "away" set it. Either
 * way the presence's own "away" is forgotten, so opening the console does not undo the policy.
 * Through the router's `setAgentStatus`: coming online takes waiting conversations at once.
 */
export async function applySignInStatus(ctx: Pick<Context, 'database' | 'relay' | 'logger'>, tenantId: string, userId: string): Promise<void> {
  const db = ctx.database.db;
  const tenant = await db.selectFrom('tenants').select('agent_status_on_sign_in').where('id', '=', tenantId).executeTakeFirst();
  const policy = tenant?.agent_status_on_sign_in ?? 'keep';
  if (policy === 'keep') return;
  await db.updateTable('agent_presence').set({ away_by_presence: false }).where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
  await setAgentStatus(ctx, { tenantId, userId, status: policy });
}
