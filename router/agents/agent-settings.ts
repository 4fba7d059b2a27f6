import { sql } from 'kysely';
import { z } from 'zod';
import type { AgentStatus, Capacity, PhoneStatus } from '../../core/db/schema.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { assignWaiting, linesOfAgent } from '../assignment/drain.js';
import type { RouterDeps } from '../deps.js';
import { withTenantRouting } from '../conversations/unit-of-work.js';

export interface AgentInfo {
  id: string;
  status: AgentStatus;
  phoneStatus: PhoneStatus;
  capacity: Capacity;
}

const agentStatus = z.enum(['online', 'busy', 'away', 'offline']);
const phoneStatus = z.enum(['offline', 'ip_phone', 'web_phone', 'mobile']);
const capacitySchema = z
  .object({
    chat: z.number().int().min(0).max(1000).optional(),
    email: z.number().int().min(0).max(10_000).optional(),
    voice: z.number().int().min(0).max(10).optional(),
  })
  .strict();

function validate<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new ValidationError(
      `invalid ${field}`,
      parsed.error.issues.map((i) => ({ field: [field, ...i.path].join('.'), message: i.message })),
    );
  return parsed.data;
}

const info = (row: { id: string; agent_status: AgentStatus; phone_status: PhoneStatus; capacity: Capacity }): AgentInfo => ({
  id: row.id,
  status: row.agent_status,
  phoneStatus: row.phone_status,
  capacity: row.capacity,
});

/**
 * Online, busy (keeps what they have, takes nothing new), away or offline. Coming online takes
 * the next waiting conversations at once. Conversations an agent holds stay with them.
 */
export async function setAgentStatus(deps: RouterDeps, input: { tenantId: string; userId: string; status: AgentStatus }): Promise<AgentInfo> {
  const status = validate(agentStatus, input.status, 'status');
  return withTenantRouting(deps, input.tenantId, async (trx, events) => {
    const before = await trx
      .selectFrom('users')
      .select('agent_status')
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.userId)
      .executeTakeFirst();
    if (!before) throw new NotFoundError('agent');
    const row = await trx
      .updateTable('users')
      .set({ agent_status: status, status_changed_at: sql`now()` })
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.userId)
      .returning(['id', 'agent_status', 'phone_status', 'capacity'])
      .executeTakeFirstOrThrow();
    if (before.agent_status !== status) events.add(input.tenantId, 'agent.status', { userId: row.id, status, phoneStatus: row.phone_status });
    if (status === 'online') await assignWaiting(trx, events, input.tenantId, await linesOfAgent(trx, input.tenantId, row.id));
    return info(row);
  });
}

/** The phone an agent takes calls on (offline, desk IP phone, web phone, mobile); turning one on may bring a waiting call. */
export async function setAgentPhoneStatus(deps: RouterDeps, input: { tenantId: string; userId: string; phoneStatus: PhoneStatus }): Promise<AgentInfo> {
  const phone = validate(phoneStatus, input.phoneStatus, 'phoneStatus');
  return withTenantRouting(deps, input.tenantId, async (trx, events) => {
    const row = await trx
      .updateTable('users')
      .set({ phone_status: phone })
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.userId)
      .returning(['id', 'agent_status', 'phone_status', 'capacity'])
      .executeTakeFirst();
    if (!row) throw new NotFoundError('agent');
    events.add(input.tenantId, 'agent.status', { userId: row.id, status: row.agent_status, phoneStatus: phone });
    if (phone !== 'offline' && row.agent_status === 'online') {
      await assignWaiting(trx, events, input.tenantId, await linesOfAgent(trx, input.tenantId, row.id));
    }
    return info(row);
  });
}

/**
 * How many conversations of each kind an agent handles at once. Kinds not named keep their value.
 * Lowering it takes nothing away; raising it assigns waiting conversations at once.
 */
export async function setAgentCapacity(deps: RouterDeps, input: { tenantId: string; userId: string; capacity: Capacity }): Promise<AgentInfo> {
  const capacity = validate(capacitySchema, input.capacity, 'capacity');
  return withTenantRouting(deps, input.tenantId, async (trx, events) => {
    const before = await trx.selectFrom('users').select('capacity').where('tenant_id', '=', input.tenantId).where('id', '=', input.userId).executeTakeFirst();
    if (!before) throw new NotFoundError('agent');
    const merged: Capacity = { ...before.capacity, ...capacity };
    const row = await trx
      .updateTable('users')
      .set({ capacity: JSON.stringify(merged) })
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.userId)
      .returning(['id', 'agent_status', 'phone_status', 'capacity'])
      .executeTakeFirstOrThrow();
    events.add(input.tenantId, 'agent.capacity', { userId: row.id, capacity: merged });
    const raised = (Object.keys(capacity) as (keyof Capacity)[]).some((kind) => (merged[kind] ?? 0) > (before.capacity[kind] ?? 0));
    if (raised && row.agent_status === 'online') await assignWaiting(trx, events, input.tenantId, await linesOfAgent(trx, input.tenantId, row.id));
    return info(row);
  });
}
