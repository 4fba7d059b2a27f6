import type { ApiClient } from './client.js';
import type { MessageView } from './domain.js';
import type { ConversationDetail, ConversationPage, ConversationQuery, ReplyInput } from './types.js';

export function conversationsApi(client: ApiClient) {
  return {
    list: (query: ConversationQuery) => client.get<ConversationPage>('/conversations', { ...query }),
    get: (id: string, before?: string) => client.get<ConversationDetail>(`/conversations/${encodeURIComponent(id)}`, { before }),
    reply: (id: string, input: ReplyInput) =>
      client.post<{ message: MessageView; duplicate: boolean }>(`/conversations/${encodeURIComponent(id)}/messages`, input),
  };
}
export type ConversationsApi = ReturnType<typeof conversationsApi>;

/** Where the browser fetches a stored attachment of the company's conversations. */
export const attachmentUrl = (client: ApiClient) => (attachmentId: string) => client.url(`/attachments/${encodeURIComponent(attachmentId)}`);
