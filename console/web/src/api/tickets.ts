import type { ApiClient } from './client.js';
import type { Body } from './schema.js';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export interface SlaBadge {
  /** paused: the ticket waits on the customer; `dueAt` is then when the clocks stopped. */
  state: 'ok' | 'warning' | 'breached' | 'paused';
  metric: 'firstResponse' | 'nextResponse' | 'resolution';
  dueAt: string;
}

export interface Ticket {
  id: string;
  number: number;
  subject: string;
  description: string;
  status: TicketStatus;
  priority: TicketPriority;
  type: string | null;
  requesterId: string;
  assigneeId: string | null;
  groupId: string | null;
  tags: string[];
  dueAt: string | null;
  fields: Record<string, unknown>;
  source: string;
  conversationId: string | null;
  callId: string | null;
  recordingRef: string | null;
  mergedIntoId: string | null;
  sla: SlaBadge | null;
  createdAt: string;
  updatedAt: string;
}

export interface TicketComment {
  id: string;
  authorType: 'agent' | 'contact' | 'system';
  authorId: string | null;
  public: boolean;
  body: string;
  delivery: { status: string; error: string | null } | null;
  createdAt: string;
}

export interface TicketHistoryLine {
  id: string;
  actorType: string;
  actorId: string | null;
  field: string;
  from: unknown;
  to: unknown;
  at: string;
}

export interface TicketDetail extends Ticket {
  followers: string[];
  requester: { id: string; name: string | null; email: string | null; phone: string | null } | null;
  slaPolicy: string | null;
  comments: TicketComment[];
  history: TicketHistoryLine[];
  /** Current names of who and what the history points at: `user:<id>`, `group:<id>`, `automation:<id>`, `api_token:<id>`, `ticket_field:<key>`. */
  historyNames: Record<string, string>;
  automationRuns: { id: string; name: string; event: string; at: string }[];
}

export interface TicketView {
  id: string;
  name: string;
  shared: boolean;
  filters: Record<string, unknown>;
  sort: { field: string; direction: 'asc' | 'desc' };
  columns: string[];
}

export type TicketPatch = Body<'/api/tickets/{id}', 'patch'>;

export const TICKET_FIELD_TYPES = ['text', 'number', 'date', 'dropdown', 'multiselect', 'checkbox'] as const;

/** A custom ticket field of the company. */
export interface TicketFieldDef {
  id: string;
  key: string;
  label: string;
  type: (typeof TICKET_FIELD_TYPES)[number];
  options: string[];
  requiredOn: TicketStatus[];
  position: number;
}

export interface SlaPolicy {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  match: { channelTypes?: string[]; contactTags?: string[] };
  targets: Partial<Record<TicketPriority, Partial<Record<'firstResponse' | 'nextResponse' | 'resolution', number>>>>;
  warnBeforeMinutes: number;
}

export interface Automation {
  id: string;
  name: string;
  kind: 'trigger' | 'time';
  events: string[];
  conditions: unknown[];
  actions: unknown[];
  enabled: boolean;
  position: number;
  firings: number;
  lastFiredAt: string | null;
}

export function ticketsApi(client: ApiClient) {
  return {
    list: (query: Record<string, string | number | undefined>) => client.get<{ tickets: Ticket[]; more: boolean; columns?: string[] }>('/tickets', query),
    get: (id: string) => client.get<TicketDetail>(`/tickets/${id}`),
    create: (body: Body<'/api/tickets', 'post'>) => client.post<Ticket>('/tickets', body),
    update: (id: string, patch: TicketPatch) => client.patch<Ticket>(`/tickets/${id}`, patch),
    bulk: (ids: string[], changes: TicketPatch) => client.post<{ results: { id: string; ok: boolean; error?: string }[] }>('/tickets/bulk', { ids, changes }),
    comment: (id: string, body: Body<'/api/tickets/{id}/comments', 'post'>) => client.post<{ ticket: Ticket }>(`/tickets/${id}/comments`, body),
    merge: (id: string, targetId: string) => client.post<Ticket>(`/tickets/${id}/merge`, { targetId }),
    views: () => client.get<{ views: TicketView[] }>('/ticket-views'),
    saveView: (body: Body<'/api/ticket-views', 'post'>) => client.post<TicketView>('/ticket-views', body),
    deleteView: (id: string) => client.delete<void>(`/ticket-views/${id}`),
    statuses: () => client.get<{ statuses: TicketStatus[]; names: Partial<Record<TicketStatus, { en?: string; zh?: string }>> }>('/ticket-statuses'),
    fields: () => client.get<{ fields: TicketFieldDef[] }>('/ticket-fields'),
    createField: (body: Body<'/api/ticket-fields', 'post'>) => client.post<TicketFieldDef>('/ticket-fields', body),
    updateField: (id: string, body: Body<'/api/ticket-fields/{id}', 'patch'>) => client.patch<TicketFieldDef>(`/ticket-fields/${id}`, body),
    deleteField: (id: string) => client.delete<void>(`/ticket-fields/${id}`),
    nameStatuses: (names: Partial<Record<TicketStatus, { en?: string; zh?: string }>>) =>
      client.put<{ names: Partial<Record<TicketStatus, { en?: string; zh?: string }>> }>('/ticket-statuses', { names }),
    slaPolicies: () => client.get<{ policies: SlaPolicy[] }>('/sla-policies'),
    createSlaPolicy: (body: Body<'/api/sla-policies', 'post'>) => client.post<SlaPolicy>('/sla-policies', body),
    updateSlaPolicy: (id: string, body: Body<'/api/sla-policies/{id}', 'put'>) => client.put<SlaPolicy>(`/sla-policies/${id}`, body),
    slaChannelTypes: () => client.get<{ types: { type: string; displayName: string }[] }>('/routing-rules/channel-types'),
    deleteSlaPolicy: (id: string) => client.delete<void>(`/sla-policies/${id}`),
    automations: () => client.get<{ automations: Automation[] }>('/automations'),
    createAutomation: (body: Omit<Automation, 'id' | 'firings' | 'lastFiredAt'>) => client.post<Automation>('/automations', body),
    updateAutomation: (id: string, body: Omit<Automation, 'id' | 'firings' | 'lastFiredAt'>) => client.put<Automation>(`/automations/${id}`, body),
    deleteAutomation: (id: string) => client.delete<void>(`/automations/${id}`),
  };
}
export type TicketsApi = ReturnType<typeof ticketsApi>;
