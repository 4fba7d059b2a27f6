import type { Db } from '../../core/db/database.js';
import type { Transaction } from 'kysely';
import type { Database } from '../../core/db/schema.js';
import type { AgentPhone } from '../../core/connector/call-center-port.js';

/**
 * Where an agent's phone rings: their phone status says which of their endpoints — the desk
 * phone's SIP endpoint, the browser's WebRTC endpoint registered with the platform, or the
 * mobile number. Undefined when they are offline or have no endpoint for that status.
 */
export async function agentEndpoint(db: Db | Transaction<Database>, tenantId: string, agentId: string): Promise<AgentPhone | undefined> {
  const row = await db
    .selectFrom('users as u')
    .leftJoin('voice_endpoints as e', (join) => join.onRef('e.tenant_id', '=', 'u.tenant_id').onRef('e.user_id', '=', 'u.id'))
    .select(['u.phone_status', 'e.sip', 'e.webrtc', 'e.mobile'])
    .where('u.tenant_id', '=', tenantId)
    .where('u.id', '=', agentId)
    .executeTakeFirst();
  if (!row) return undefined;
  const endpoint = { offline: null, ip_phone: row.sip, web_phone: row.webrtc, mobile: row.mobile }[row.phone_status];
  return endpoint && row.phone_status !== 'offline' ? { status: row.phone_status, address: endpoint } : undefined;
}
