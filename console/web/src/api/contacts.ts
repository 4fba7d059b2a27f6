import type { ApiClient } from './client.js';
import type { CannedResponse, ContactDetail } from './types.js';

export function contactsApi(client: ApiClient) {
  return {
    get: (id: string) => client.get<ContactDetail>(`/contacts/${encodeURIComponent(id)}`),
    cannedResponses: (q?: string) => client.get<{ cannedResponses: CannedResponse[] }>('/canned-responses', { q }),
  };
}
export type ContactsApi = ReturnType<typeof contactsApi>;
