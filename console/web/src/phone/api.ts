import type { ApiClient } from '../api/client.js';
import type { Answer, Schemas } from '../api/schema.js';

export type PhoneStatus = Schemas['PhoneStatus'];
export type WorkState = 'idle' | 'busy' | 'break' | 'ringing' | 'on_call' | 'wrap_up' | 'offline';

export interface MyPhone {
  phoneStatus: PhoneStatus;
  workState: WorkState;
  reachable: Record<Exclude<PhoneStatus, 'offline'>, boolean>;
  queues: { id: string; name: string }[];
  call: { id: string; state: 'ringing' | 'answered'; direction: 'in' | 'out'; number: string; conversationId: string | null; onHold: boolean } | null;
  dialChannels: { id: string; name: string; type: string }[];
}

export interface Pop {
  number: string;
  contact: { id: string; name: string | null; email: string | null; phone: string | null; tags: string[] } | null;
  offerCreateContact: boolean;
  /** Other customers the company has this number for: the call was not guessed onto one of them. */
  possibleMatches: { id: string; name: string | null; email: string | null; phone: string | null }[];
  tickets: { id: string; number: number; subject: string; status: string; createdAt: string }[];
  conversations: { id: string; kind: string; status: string; subject: string | null; channel: { type: string; name: string }; createdAt: string }[];
  earlierCalls: { id: string; direction: 'in' | 'out'; startedAt: string; disposition: string | null; talkSeconds: number | null }[];
}

export interface CallRecord {
  id: string;
  direction: 'in' | 'out';
  number: string;
  from: string;
  to: string;
  state: string;
  startedAt: string;
  endedAt: string | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  disposition: string | null;
  channelId: string;
  hasRecording: boolean;
  conversationId: string | null;
  contact: { id: string; name: string | null } | null;
  agentName: string | null;
}

export interface CallDetail {
  call: {
    id: string;
    direction: 'in' | 'out';
    from: string;
    to: string;
    state: string;
    disposition: string | null;
    cause: string | null;
    waitSeconds: number | null;
    talkSeconds: number | null;
    hasRecording: boolean;
  };
  timeline: { kind: string; detail: Record<string, unknown>; at: string }[];
}

export interface BusinessRecord {
  id: string;
  conversationId: string;
  callId: string | null;
  contactId: string | null;
  subject: string;
  fields: Record<string, unknown>;
  body: string;
  createdAt: string;
  hasRecording: boolean;
}

export type CustomField = Schemas['CustomField'];

export type CallbackPlan = Schemas['CallbackPlan'];

export interface CallTaskSummary {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
}

export interface CallTaskTarget {
  id: string;
  phone: string;
  name: string | null;
  contactId: string | null;
  position: number;
}

export type IvrFlow = Schemas['IvrFlow'];

const enc = encodeURIComponent;

/** The call center's API, as the phone pages use it. */
export function callsApi(client: ApiClient) {
  return {
    me: () => client.get<MyPhone>('/call-center/me'),
    setPhoneStatus: (phoneStatus: PhoneStatus) => client.put<Answer<'/api/agent/status', 'put'>>('/agent/status', { phoneStatus }),
    team: () => client.get<{ agents: { id: string; name: string; phoneStatus: PhoneStatus; workState: WorkState; queues: string[] }[] }>('/call-center/agents'),
    pop: (callId: string) => client.get<Pop>(`/calls/${enc(callId)}/pop`),
    /** Puts the caller on hold (`on`) or takes them off it; only the agent on the call may. */
    hold: (callId: string, on: boolean) =>
      on ? client.post<{ onHold: boolean }>(`/calls/${enc(callId)}/hold`) : client.delete<{ onHold: boolean }>(`/calls/${enc(callId)}/hold`),
    dial: (channelId: string, number: string) => client.post<{ providerCallId: string }>('/calls', { channelId, number }),
    list: (query: { q?: string; disposition?: string }) => client.get<{ calls: CallRecord[] }>('/calls', query),
    callOf: (conversationId: string) => client.get<CallDetail>(`/conversations/${enc(conversationId)}/call`),
    recordingUrl: (callId: string) => client.url(`/calls/${enc(callId)}/recording`),
    customFields: () => client.get<Answer<'/api/custom-fields', 'get'>>('/custom-fields'),
    businessRecords: (query: { q?: string; contactId?: string }) => client.get<{ records: BusinessRecord[] }>('/business-records', query),
    writeBusinessRecord: (conversationId: string, body: { subject: string; fields: Record<string, unknown>; body: string }) =>
      client.post<BusinessRecord>(`/conversations/${enc(conversationId)}/business-records`, body),
    callbacks: (query: { status?: string }) => client.get<Answer<'/api/callback-plans', 'get'>>('/callback-plans', query),
    planCallback: (body: { contactId: string; phone?: string; dueAt: string; note: string }) => client.post<CallbackPlan>('/callback-plans', body),
    changeCallback: (id: string, body: { dueAt?: string; agentId?: string; status?: 'done' | 'cancelled'; result?: string }) =>
      client.patch<CallbackPlan>(`/callback-plans/${enc(id)}`, body),
    tasks: () => client.get<{ tasks: CallTaskSummary[] }>('/call-tasks'),
    task: (id: string) =>
      client.get<CallTaskSummary & { progress: { total: number; pending: number; inProgress: number; done: number }; results: Record<string, number> }>(
        `/call-tasks/${enc(id)}`,
      ),
    createTask: (body: { name: string; startsAt: string; endsAt: string; agentIds: string[] }) => client.post<CallTaskSummary>('/call-tasks', body),
    importTask: (id: string, csv: string) =>
      client.post<{ imported: number; duplicates: number; errors: { line: number; message: string }[] }>(`/call-tasks/${enc(id)}/import`, { csv }),
    nextTarget: (id: string) => client.post<{ target: CallTaskTarget | null }>(`/call-tasks/${enc(id)}/next`),
    targetResult: (id: string, targetId: string, result: string) => client.post<unknown>(`/call-tasks/${enc(id)}/targets/${enc(targetId)}/result`, { result }),
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
