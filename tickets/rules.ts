import { z } from 'zod';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from './schema.js';
import type { Ticket } from './model.js';
import type { FieldChange } from './history.js';

/** What an automation can look at. `hours_since_*` make time rules ("solved for 7 days"). */
export const CONDITION_FIELDS = [
  'status',
  'priority',
  'type',
  'group_id',
  'assignee_id',
  'tags',
  'subject',
  'source',
  'sla_metric',
  'hours_since_status_change',
  'hours_since_update',
  'hours_since_created',
] as const;
export const conditionSchema = z.object({
  field: z.enum(CONDITION_FIELDS),
  op: z.enum(['is', 'is_not', 'contains', 'not_contains', 'gte', 'lte', 'changed', 'changed_to']),
  value: z.union([z.string().max(200), z.number(), z.null()]).optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

export const AI_ASKS = ['intent', 'tag', 'priority', 'language', 'sentiment'] as const;

export const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('set_status'), value: z.enum(TICKET_STATUSES) }),
  z.object({ type: z.literal('set_priority'), value: z.enum(TICKET_PRIORITIES) }),
  z.object({ type: z.literal('set_type'), value: z.enum(TICKET_TYPES) }),
  z.object({ type: z.literal('assign'), assigneeId: z.uuid().nullable().optional(), groupId: z.uuid().nullable().optional() }),
  z.object({ type: z.literal('add_tag'), tag: z.string().trim().min(1).max(50) }),
  z.object({ type: z.literal('remove_tag'), tag: z.string().trim().min(1).max(50) }),
  z.object({ type: z.literal('notify'), to: z.enum(['assignee', 'followers', 'group']), text: z.string().trim().min(1).max(1000) }),
  z
    .object({ type: z.literal('reply'), cannedResponseId: z.uuid().optional(), text: z.string().trim().min(1).max(5000).optional() })
    .refine((a) => a.cannedResponseId || a.text, { message: 'a reply needs a template or a text' }),
  /**
   * Lets the company's model classify the ticket: the parts asked for (intent, tags, priority,
   * language, sentiment). Performing it only records the request; the assistant asks the model
   * after the rule's transaction and applies the answer as this rule's change.
   */
  z
    .object({
      type: z.literal('ai_classify'),
      intent: z.boolean().optional(),
      tag: z.boolean().optional(),
      priority: z.boolean().optional(),
      language: z.boolean().optional(),
      sentiment: z.boolean().optional(),
    })
    .refine((a) => AI_ASKS.some((k) => a[k]), { message: 'ask the model for at least one thing' }),
]);
/** What an `ai_classify` action can ask the model for. */
export type AiAsk = (typeof AI_ASKS)[number];
export type Action = z.infer<typeof actionSchema>;

export const TRIGGER_EVENTS = ['ticket.created', 'ticket.updated', 'customer.replied', 'sla.warning', 'sla.breached'] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

export interface Facts {
  now: Date;
  changes?: FieldChange[];
  /** For SLA events: which target. */
  slaMetric?: string;
}

const COLUMN: Record<string, keyof Ticket> = {
  status: 'status',
  priority: 'priority',
  type: 'type',
  group_id: 'group_id',
  assignee_id: 'assignee_id',
  subject: 'subject',
  source: 'source',
  tags: 'tags',
};
const CHANGE_NAME: Record<string, string> = { group_id: 'group_id', assignee_id: 'assignee_id' };

function factOf(ticket: Ticket, field: Condition['field'], facts: Facts): unknown {
  const hours = (at: Date | string) => (facts.now.getTime() - new Date(at).getTime()) / 3_600_000;
  switch (field) {
    case 'hours_since_status_change':
      return hours(ticket.status_changed_at);
    case 'hours_since_update':
      return hours(ticket.updated_at);
    case 'hours_since_created':
      return hours(ticket.created_at);
    case 'sla_metric':
      return facts.slaMetric ?? null;
    default:
      return ticket[COLUMN[field]!];
  }
}

/** Whether one condition holds for a ticket at the moment `facts` describes. */
export function holds(ticket: Ticket, c: Condition, facts: Facts): boolean {
  const value = factOf(ticket, c.field, facts);
  const change = facts.changes?.find((x) => x.field === (CHANGE_NAME[c.field] ?? c.field));
  switch (c.op) {
    case 'is':
      return (value ?? null) === (c.value ?? null);
    case 'is_not':
      return (value ?? null) !== (c.value ?? null);
    case 'contains':
      return Array.isArray(value)
        ? value.includes(c.value)
        : typeof value === 'string' && typeof c.value === 'string' && value.toLowerCase().includes(c.value.toLowerCase());
    case 'not_contains':
      return !holds(ticket, { ...c, op: 'contains' }, facts);
    case 'gte':
      return typeof value === 'number' && typeof c.value === 'number' && value >= c.value;
    case 'lte':
      return typeof value === 'number' && typeof c.value === 'number' && value <= c.value;
    case 'changed':
      return change !== undefined;
    case 'changed_to':
      return change !== undefined && change.to === c.value;
  }
}

export const allHold = (ticket: Ticket, conditions: Condition[], facts: Facts) => conditions.every((c) => holds(ticket, c, facts));
