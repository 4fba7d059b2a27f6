import { z } from 'zod';
import type { Db } from '../core/db/database.js';
import type { TicketStatus } from './schema.js';
import { ValidationError } from '../core/errors.js';

const plain = {
  text: z.string().max(5000),
  number: z.number().finite(),
  date: z.iso.date(),
  checkbox: z.boolean(),
} as const;

type FieldRow = { key: string; type: string; options: string[]; required_on: string[] };

function valid(field: FieldRow, value: unknown): string | undefined {
  if (field.type === 'dropdown') return typeof value === 'string' && field.options.includes(value) ? undefined : `one of ${field.options.join(', ')}`;
  if (field.type === 'multiselect')
    return Array.isArray(value) && value.every((v) => typeof v === 'string' && field.options.includes(v)) ? undefined : `a list of ${field.options.join(', ')}`;
  const schema = plain[field.type as keyof typeof plain];
  return schema && schema.safeParse(value).success ? undefined : `must be a ${field.type}`;
}

const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * Checks a ticket's custom field values against the company's ticket fields, and that every
 * field required in `status` has a value: a 400 naming `fields.<key>` for each problem.
 * null removes a value. Returns the merged values.
 */
export async function checkTicketFields(
  db: Db,
  tenantId: string,
  current: Record<string, unknown>,
  changes: Record<string, unknown> | undefined,
  status: TicketStatus,
): Promise<Record<string, unknown>> {
  const defs = await db.selectFrom('ticket_fields').select(['key', 'type', 'options', 'required_on']).where('tenant_id', '=', tenantId).execute();
  const byKey = new Map(defs.map((f) => [f.key, f]));
  const issues: { field: string; message: string }[] = [];
  const merged = { ...current };
  for (const [key, value] of Object.entries(changes ?? {})) {
    const field = byKey.get(key);
    if (!field) {
      issues.push({ field: `fields.${key}`, message: 'no such ticket field' });
      continue;
    }
    if (value === null) {
      delete merged[key];
      continue;
    }
    const problem = valid(field, value);
    if (problem) issues.push({ field: `fields.${key}`, message: problem });
    else merged[key] = value;
  }
  for (const field of defs) {
    if (field.required_on.includes(status) && empty(merged[field.key]))
      issues.push({ field: `fields.${field.key}`, message: `required when the ticket is ${status}` });
  }
  if (issues.length) throw new ValidationError('invalid ticket fields', issues);
  return merged;
}
