import type { ApiClient } from './client.js';
import type { Answer, Body } from './schema.js';
import type { AgentStatus } from './domain.js';
import type {
  ConversationDetail,
  ConversationPage,
  ConversationQuery,
  GroupView,
  Macro,
  ReplyInput,
  ScheduledMessage,
  StoredAttachment,
  UserView,
} from './types.js';

/** Where a conversation goes on a transfer. */
export type TransferTarget = Body<'/api/conversations/{id}/transfer', 'post'>['to'];

/** What a change to a conversation answers: the conversation as it is now. */
type ConversationChanged = Answer<'/api/conversations/{id}/assign', 'post'>;

export function conversationsApi(client: ApiClient) {
  return {
    list: (query: ConversationQuery) => client.get<ConversationPage>('/conversations', { ...query }),
    get: (id: string, before?: string) => client.get<ConversationDetail>(`/conversations/${encodeURIComponent(id)}`, { before }),
    reply: (id: string, input: ReplyInput) =>
      client.post<Answer<'/api/conversations/{id}/messages', 'post'>>(`/conversations/${encodeURIComponent(id)}/messages`, input),
    resend: (id: string, messageId: string) =>
      client.post<Answer<'/api/conversations/{id}/messages/{messageId}/retry', 'post'>>(
        `/conversations/${encodeURIComponent(id)}/messages/${encodeURIComponent(messageId)}/retry`,
      ),
    assign: (id: string, agentId: string) => client.post<ConversationChanged>(`/conversations/${encodeURIComponent(id)}/assign`, { agentId }),
    /** The customer's messages are read: the conversation is open on a visible screen. */
    markRead: (id: string) => client.post<Answer<'/api/conversations/{id}/read', 'post'>>(`/conversations/${encodeURIComponent(id)}/read`),
    claim: (id: string) => client.post<ConversationChanged>(`/conversations/${encodeURIComponent(id)}/claim`),
    transfer: (id: string, to: TransferTarget, note?: string) =>
      client.post<ConversationChanged>(`/conversations/${encodeURIComponent(id)}/transfer`, { to, ...(note ? { note } : {}) }),
    resolve: (id: string) => client.post<ConversationChanged>(`/conversations/${encodeURIComponent(id)}/resolve`),
    reopen: (id: string) => client.post<ConversationChanged>(`/conversations/${encodeURIComponent(id)}/reopen`),
    /** Stores a file for a reply; the answer's id goes into the reply as an `attachmentId` part. */
    upload: (id: string, file: Blob, name: string) =>
      client.request<StoredAttachment>('POST', `/conversations/${encodeURIComponent(id)}/attachments?name=${encodeURIComponent(name)}`, file),
    /** Stores a voice message recorded in the reply box, with its length in seconds. */
    uploadVoice: (id: string, recording: Blob, name: string, seconds: number) =>
      client.request<StoredAttachment>(
        'POST',
        `/conversations/${encodeURIComponent(id)}/attachments?name=${encodeURIComponent(name)}&voice=1&duration=${seconds.toFixed(2)}`,
        recording,
      ),
    setMyStatus: (status: AgentStatus) => client.put<Answer<'/api/agent/status', 'put'>>('/agent/status', { status }),
    /** Colleagues to assign or transfer to (needs the assign or transfer permission). */
    agents: () => client.get<{ users: UserView[] }>('/users'),
    groups: () => client.get<{ groups: GroupView[] }>('/groups'),
    macros: () => client.get<{ macros: Macro[] }>('/macros'),
    runMacro: (id: string, macroId: string) =>
      client.post<ConversationChanged>(`/conversations/${encodeURIComponent(id)}/macros/${encodeURIComponent(macroId)}/run`),
    scheduled: (id: string) => client.get<{ scheduled: ScheduledMessage[] }>(`/conversations/${encodeURIComponent(id)}/scheduled`),
    schedule: (id: string, text: string, sendAt: string) =>
      client.post<{ scheduled: ScheduledMessage }>(`/conversations/${encodeURIComponent(id)}/scheduled`, { text, sendAt }),
    cancelScheduled: (id: string, scheduledId: string) =>
      client.delete<unknown>(`/conversations/${encodeURIComponent(id)}/scheduled/${encodeURIComponent(scheduledId)}`),
  };
}
export type ConversationsApi = ReturnType<typeof conversationsApi>;

/** Where the browser fetches a stored attachment of the company's conversations. */
export const attachmentUrl = (client: ApiClient) => (attachmentId: string) => client.url(`/attachments/${encodeURIComponent(attachmentId)}`);
