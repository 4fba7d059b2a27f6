import type { ApiClient } from './client.js';
import type { Answer, Body } from './schema.js';
import type { CannedResponse, ContactDetail } from './types.js';

export function contactsApi(client: ApiClient) {
  return {
    get: (id: string) => client.get<ContactDetail>(`/contacts/${encodeURIComponent(id)}`),
    update: (id: string, body: Body<'/api/contacts/{id}', 'patch'>) =>
      client.patch<Answer<'/api/contacts/{id}', 'patch'>>(`/contacts/${encodeURIComponent(id)}`, body),
    cannedResponses: (q?: string) => client.get<{ cannedResponses: CannedResponse[] }>('/canned-responses', { q }),
  };
}
export type ContactsApi = ReturnType<typeof contactsApi>;
