import type { ApiClient } from '../api/client.js';
import type { Answer, Schemas } from '../api/schema.js';

export type PhoneStatus = Schemas['PhoneStatus'];
export type WorkState = Schemas['WorkState'];
export type MyPhone = Schemas['MyPhone'];
export type Pop = Schemas['CallPop'];
export type CallRecord = Schemas['CallRecord'];
export type CallDetail = Schemas['CallDetail'];
export type BusinessRecord = Schemas['BusinessRecord'];

export type CustomField = Schemas['CustomField'];

export type CallbackPlan = Schemas['CallbackPlan'];

export type CallTaskSummary = Schemas['CallTaskSummary'];
export type CallTaskTarget = Schemas['CallTaskTarget'];

export type IvrFlow = Schemas['IvrFlow'];

const enc = encodeURIComponent;

/** The call center's API, as the phone pages use it. */
export function callsApi(client: ApiClient) {
  return {
    me: () => client.get<Answer<'/api/call-center/me', 'get'>>('/call-center/me'),
    setPhoneStatus: (phoneStatus: PhoneStatus) => client.put<Answer<'/api/agent/status', 'put'>>('/agent/status', { phoneStatus }),
    team: () => client.get<Answer<'/api/call-center/agents', 'get'>>('/call-center/agents'),
    pop: (callId: string) => client.get<Answer<'/api/calls/{id}/pop', 'get'>>(`/calls/${enc(callId)}/pop`),
    /** Puts the caller on hold (`on`) or takes them off it; only the agent on the call may. */
    hold: (callId: string, on: boolean) =>
      on
        ? client.post<Answer<'/api/calls/{id}/hold', 'post'>>(`/calls/${enc(callId)}/hold`)
        : client.delete<Answer<'/api/calls/{id}/hold', 'delete'>>(`/calls/${enc(callId)}/hold`),
    dial: (channelId: string, number: string) => client.post<Answer<'/api/calls', 'post'>>('/calls', { channelId, number }),
    list: (query: { q?: string; disposition?: string }) => client.get<Answer<'/api/calls', 'get'>>('/calls', query),
    callOf: (conversationId: string) => client.get<Answer<'/api/conversations/{id}/call', 'get'>>(`/conversations/${enc(conversationId)}/call`),
    recordingUrl: (callId: string) => client.url(`/calls/${enc(callId)}/recording`),
    customFields: () => client.get<Answer<'/api/custom-fields', 'get'>>('/custom-fields'),
    businessRecords: (query: { q?: string; contactId?: string }) => client.get<Answer<'/api/business-records', 'get'>>('/business-records', query),
    writeBusinessRecord: (conversationId: string, body: { subject: string; fields: Record<string, unknown>; body: string }) =>
      client.post<Answer<'/api/conversations/{id}/business-records', 'post'>>(`/conversations/${enc(conversationId)}/business-records`, body),
    callbacks: (query: { status?: string }) => client.get<Answer<'/api/callback-plans', 'get'>>('/callback-plans', query),
    planCallback: (body: { contactId: string; phone?: string; dueAt: string; note: string }) => client.post<CallbackPlan>('/callback-plans', body),
    changeCallback: (id: string, body: { dueAt?: string; agentId?: string; status?: 'done' | 'cancelled'; result?: string }) =>
      client.patch<CallbackPlan>(`/callback-plans/${enc(id)}`, body),
    tasks: () => client.get<Answer<'/api/call-tasks', 'get'>>('/call-tasks'),
    task: (id: string) => client.get<Answer<'/api/call-tasks/{id}', 'get'>>(`/call-tasks/${enc(id)}`),
    createTask: (body: { name: string; startsAt: string; endsAt: string; agentIds: string[] }) =>
      client.post<Answer<'/api/call-tasks', 'post'>>('/call-tasks', body),
    importTask: (id: string, csv: string) => client.post<Answer<'/api/call-tasks/{id}/import', 'post'>>(`/call-tasks/${enc(id)}/import`, { csv }),
    nextTarget: (id: string) => client.post<Answer<'/api/call-tasks/{id}/next', 'post'>>(`/call-tasks/${enc(id)}/next`),
    targetResult: (id: string, targetId: string, result: string) =>
      client.post<Answer<'/api/call-tasks/{id}/targets/{targetId}/result', 'post'>>(`/call-tasks/${enc(id)}/targets/${enc(targetId)}/result`, { result }),
    /** A ticket from a call: the server gives it the caller, the call id and the recording. */
    ticketFromCall: (callId: string, subject: string) => client.post<{ id: string; number: number }>('/tickets', { subject, callId }),
    flows: () => client.get<Answer<'/api/ivr-flows', 'get'>>('/ivr-flows'),
    saveFlow: (flow: { id?: string; name: string; definition: unknown }) =>
      flow.id
        ? client.put<IvrFlow>(`/ivr-flows/${enc(flow.id)}`, { name: flow.name, definition: flow.definition })
        : client.post<IvrFlow>('/ivr-flows', { name: flow.name, definition: flow.definition }),
  };
}
export type CallsApi = ReturnType<typeof callsApi>;
