import type { ApiClient } from './client.js';
import type { Answer, Body, Schemas } from './schema.js';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export type SlaBadge = Schemas['SlaBadge'];

export type Ticket = Schemas['Ticket'];

export type TicketComment = Schemas['TicketComment'];

export type TicketHistoryLine = Schemas['TicketHistoryLine'];

export type TicketDetail = Schemas['TicketDetail'];

export type TicketView = Schemas['TicketView'];

export type TicketPatch = Body<'/api/tickets/{id}', 'patch'>;

export const TICKET_FIELD_TYPES = ['text', 'number', 'date', 'dropdown', 'multiselect', 'checkbox'] as const;

/** A custom ticket field of the company. */
export type TicketFieldDef = Schemas['TicketFieldDef'];

export type SlaPolicy = Schemas['SlaPolicy'];

/** An automation as the list shows it, with how often and when it last fired. */
export type Automation = Answer<'/api/automations', 'get'>['automations'][number];

export function ticketsApi(client: ApiClient) {
  return {
    list: (query: Record<string, string | number | undefined>) => client.get<Answer<'/api/tickets', 'get'>>('/tickets', query),
    get: (id: string) => client.get<TicketDetail>(`/tickets/${id}`),
    create: (body: Body<'/api/tickets', 'post'>) => client.post<Ticket>('/tickets', body),
    update: (id: string, patch: TicketPatch) => client.patch<Ticket>(`/tickets/${id}`, patch),
    bulk: (ids: string[], changes: TicketPatch) => client.post<Answer<'/api/tickets/bulk', 'post'>>('/tickets/bulk', { ids, changes }),
    comment: (id: string, body: Body<'/api/tickets/{id}/comments', 'post'>) =>
      client.post<Answer<'/api/tickets/{id}/comments', 'post'>>(`/tickets/${id}/comments`, body),
    merge: (id: string, targetId: string) => client.post<Ticket>(`/tickets/${id}/merge`, { targetId }),
    views: () => client.get<{ views: TicketView[] }>('/ticket-views'),
    saveView: (body: Body<'/api/ticket-views', 'post'>) => client.post<TicketView>('/ticket-views', body),
    deleteView: (id: string) => client.delete<void>(`/ticket-views/${id}`),
    statuses: () => client.get<Answer<'/api/ticket-statuses', 'get'>>('/ticket-statuses'),
    fields: () => client.get<{ fields: TicketFieldDef[] }>('/ticket-fields'),
    createField: (body: Body<'/api/ticket-fields', 'post'>) => client.post<TicketFieldDef>('/ticket-fields', body),
    updateField: (id: string, body: Body<'/api/ticket-fields/{id}', 'patch'>) => client.patch<TicketFieldDef>(`/ticket-fields/${id}`, body),
    deleteField: (id: string) => client.delete<void>(`/ticket-fields/${id}`),
    nameStatuses: (names: Partial<Record<TicketStatus, { en?: string; zh?: string }>>) =>
      client.put<Answer<'/api/ticket-statuses', 'put'>>('/ticket-statuses', { names }),
    slaPolicies: () => client.get<{ policies: SlaPolicy[] }>('/sla-policies'),
    createSlaPolicy: (body: Body<'/api/sla-policies', 'post'>) => client.post<SlaPolicy>('/sla-policies', body),
    updateSlaPolicy: (id: string, body: Body<'/api/sla-policies/{id}', 'put'>) => client.put<SlaPolicy>(`/sla-policies/${id}`, body),
    slaChannelTypes: () => client.get<Answer<'/api/routing-rules/channel-types', 'get'>>('/routing-rules/channel-types'),
    deleteSlaPolicy: (id: string) => client.delete<void>(`/sla-policies/${id}`),
    automations: () => client.get<{ automations: Automation[] }>('/automations'),
    createAutomation: (body: Omit<Automation, 'id' | 'firings' | 'lastFiredAt'>) => client.post<Schemas['Automation']>('/automations', body),
    updateAutomation: (id: string, body: Omit<Automation, 'id' | 'firings' | 'lastFiredAt'>) => client.put<Schemas['Automation']>(`/automations/${id}`, body),
    deleteAutomation: (id: string) => client.delete<void>(`/automations/${id}`),
  };
}
export type TicketsApi = ReturnType<typeof ticketsApi>;
