import { z } from 'zod';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from '../schema.js';
import { SORT_FIELDS } from '../read.js';
import type { Auth } from '../../console/server/api/route.js';
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
