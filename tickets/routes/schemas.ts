import { z } from 'zod';
import { SLA_METRICS, TICKET_PRIORITIES, TICKET_SOURCES, TICKET_STATUSES, TICKET_TYPES } from '../schema.js';
import { SORT_FIELDS } from '../read.js';
import type { Auth } from '../../console/server/api/route.js';
import { messageStatusSchema } from '../../console/server/api/answers.js';
import type { Actor } from '../model.js';

const tag = z.string().trim().min(1).max(50);

export const patchBody = z
  .object({
    subject: z.string().trim().min(1).max(300).optional(),
    description: z.string().max(20_000).optional(),
    status: z.enum(TICKET_STATUSES).optional(),
    priority: z.enum(TICKET_PRIORITIES).optional(),
    type: z.enum(TICKET_TYPES).nullable().optional(),
    assigneeId: z.uuid().nullable().optional(),
    groupId: z.uuid().nullable().optional(),
    tags: z.array(tag).max(50).optional(),
    addTags: z.array(tag).max(50).optional(),
    removeTags: z.array(tag).max(50).optional(),
    dueAt: z.iso.datetime({ offset: true }).nullable().optional(),
    fields: z.record(z.string(), z.unknown()).optional(),
    followers: z.array(z.uuid()).max(50).optional(),
  })
  .strict();

export const createBody = z
  .object({
    subject: z.string().trim().min(1).max(300),
    description: z.string().max(20_000).optional(),
    priority: z.enum(TICKET_PRIORITIES).optional(),
    type: z.enum(TICKET_TYPES).nullable().optional(),
    requesterId: z.uuid().optional(),
    conversationId: z.uuid().optional(),
    callId: z.uuid().optional(),
    assigneeId: z.uuid().nullable().optional(),
    groupId: z.uuid().nullable().optional(),
    tags: z.array(tag).max(50).optional(),
    dueAt: z.iso.datetime({ offset: true }).nullable().optional(),
    fields: z.record(z.string(), z.unknown()).optional(),
    followers: z.array(z.uuid()).max(50).optional(),
  })
  .strict()
  .refine((b) => b.requesterId || b.conversationId || b.callId, { message: 'name a requester, a conversation or a call', path: ['requesterId'] });

const list = (values: readonly string[]) =>
  z
    .string()
    .max(200)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values as [string, ...string[]])));

export const filtersSchema = z.object({
  status: list(TICKET_STATUSES).optional(),
  priority: list(TICKET_PRIORITIES).optional(),
  assignee: z.union([z.literal('me'), z.literal('none'), z.uuid()]).optional(),
  groupId: z.uuid().optional(),
  tags: z
    .string()
    .max(500)
    .transform((s) => s.split(',').filter(Boolean))
    .optional(),
  requesterId: z.uuid().optional(),
  sla: z.enum(['breached', 'warning']).optional(),
  q: z.string().trim().min(1).max(200).optional(),
});

/** A saved view keeps its filters in the same shape as the list's query (lists as arrays). */
export const viewFilters = z
  .object({
    status: z.array(z.enum(TICKET_STATUSES)).optional(),
    priority: z.array(z.enum(TICKET_PRIORITIES)).optional(),
    assignee: z.union([z.literal('me'), z.literal('none'), z.uuid()]).optional(),
    groupId: z.uuid().optional(),
    tags: z.array(tag).max(20).optional(),
    sla: z.enum(['breached', 'warning']).optional(),
    q: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export const sortField = z.enum(Object.keys(SORT_FIELDS) as [keyof typeof SORT_FIELDS, ...(keyof typeof SORT_FIELDS)[]]);
export const TICKET_COLUMNS = [
  'number',
  'subject',
  'status',
  'priority',
  'requester',
  'assignee',
  'group',
  'sla',
  'updated',
  'created',
  'due',
  'tags',
] as const;

/** Who a request acts as, for the ticket's history. An API token acts as its user. */
export const actorOf = (auth: Auth): Actor => ({ type: 'user', id: auth.principal.userId });

const at = z.string().describe('an instant, ISO 8601 (UTC)');

/** The most urgent SLA clock of a ticket, as its list line shows it. */
export const slaBadgeSchema = z
  .object({
    state: z.enum(['ok', 'warning', 'breached', 'paused']).describe('paused: the ticket waits on the customer; `dueAt` is then when the clocks stopped'),
    metric: z.enum(SLA_METRICS),
    dueAt: at,
  })
  .meta({ id: 'SlaBadge' });

/** A ticket as lists, changes and events answer it (`ticketView`). */
export const ticketSchema = z
  .object({
    id: z.string(),
    number: z.number(),
    subject: z.string(),
    description: z.string(),
    status: z.enum(TICKET_STATUSES),
    priority: z.enum(TICKET_PRIORITIES),
    type: z.enum(TICKET_TYPES).nullable(),
    requesterId: z.string(),
    assigneeId: z.string().nullable(),
    groupId: z.string().nullable(),
    tags: z.array(z.string()),
    dueAt: at.nullable(),
    fields: z.record(z.string(), z.unknown()).describe('custom ticket fields by key'),
    source: z.enum(TICKET_SOURCES),
    conversationId: z.string().nullable(),
    callId: z.string().nullable(),
    recordingRef: z.string().nullable(),
    mergedIntoId: z.string().nullable(),
    sla: slaBadgeSchema.nullable(),
    createdAt: at,
    updatedAt: at,
    statusChangedAt: at,
    solvedAt: at.nullable(),
    followers: z.array(z.string()).optional().describe('on one ticket’s page'),
  })
  .meta({ id: 'Ticket' });

const slaClockSchema = z.object({
  startedAt: at,
  dueAt: at,
  warnAt: at,
  warned: z.boolean().optional(),
  state: z.enum(['active', 'paused', 'met', 'cancelled']),
  breachedAt: at.optional(),
  metAt: at.optional(),
  pausedAt: at.optional(),
  warnLeftMinutes: z.number().optional(),
  dueLeftMinutes: z.number().optional(),
  pausedMinutes: z.number().optional(),
});

export const ticketCommentSchema = z
  .object({
    id: z.string(),
    authorType: z.enum(['agent', 'contact', 'system']),
    authorId: z.string().nullable(),
    public: z.boolean(),
    body: z.string(),
    messageId: z.string().nullable(),
    delivery: z.object({ status: messageStatusSchema, error: z.string().nullable() }).nullable().describe('a public reply: how its message fared'),
    createdAt: at,
  })
  .meta({ id: 'TicketComment' });

export const ticketHistoryLineSchema = z
  .object({
    id: z.string(),
    actorType: z.enum(['user', 'api_token', 'automation', 'system']),
    actorId: z.string().nullable(),
    field: z.string(),
    from: z.unknown(),
    to: z.unknown(),
    at,
  })
  .meta({ id: 'TicketHistoryLine' });

/** A ticket as its page shows it (`ticketDetail`). */
export const ticketDetailSchema = ticketSchema
  .extend({
    followers: z.array(z.string()),
    slaClocks: z.partialRecord(z.enum(SLA_METRICS), slaClockSchema),
    slaPolicy: z.string().nullable(),
    requester: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }).nullable(),
    comments: z.array(ticketCommentSchema),
    history: z.array(ticketHistoryLineSchema),
    historyNames: z
      .record(z.string(), z.string())
      .describe('current names of who and what the history points at: `user:<id>`, `group:<id>`, `automation:<id>`, `api_token:<id>`, `ticket_field:<key>`'),
    automationRuns: z.array(z.object({ id: z.string(), name: z.string(), event: z.string(), at })),
  })
  .meta({ id: 'TicketDetail' });

export const ticketPageSchema = z.object({
  tickets: z.array(ticketSchema),
  more: z.boolean(),
  columns: z.array(z.string()).optional().describe('the saved view’s columns, when a view was asked for'),
});
