import type { Actor, Trx } from './model.js';

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** Appends changes to a ticket's history: who, when, which field, old and new value. */
export async function recordHistory(trx: Trx, tenantId: string, ticketId: string, actor: Actor, at: Date, changes: FieldChange[]): Promise<void> {
  if (changes.length === 0) return;
  await trx
    .insertInto('ticket_history')
    .values(
      changes.map((c) => ({
        tenant_id: tenantId,
        ticket_id: ticketId,
        actor_type: actor.type,
        actor_id: actor.id,
        field: c.field,
        old_value: c.from === undefined ? null : JSON.stringify(c.from),
        new_value: c.to === undefined ? null : JSON.stringify(c.to),
        created_at: at,
      })),
    )
    .execute();
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields whose value differs between two snapshots, in the order of `fields`. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>, fields: readonly string[]): FieldChange[] {
  return fields.filter((f) => !same(before[f], after[f])).map((f) => ({ field: f, from: before[f] ?? null, to: after[f] ?? null }));
}
