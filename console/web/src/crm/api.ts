import type { ApiClient } from '../api/client.js';

export interface Contact {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  companyId: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}
export interface ContactRecord extends Contact {
  identities: { id: string; channelId: string; channelType: string; externalId: string; displayName: string | null }[];
  handles: { id: string; kind: string; value: string }[];
  company: { id: string; name: string; domain: string | null } | null;
}
export interface TimelineItem {
  kind: 'conversation' | 'call' | 'business_record' | 'callback_plan' | 'note' | 'merge' | 'ticket';
  id: string;
  at: string;
  title: string;
  detail: Record<string, unknown>;
}
export interface Merge {
  id: string;
  sourceId: string;
  sourceName: string | null;
  createdAt: string;
  undoneAt: string | null;
}
export interface ImportJob {
  id: string;
  fileName: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  rows: number;
  created: number;
  updated: number;
  failed: number;
  error: string | null;
}
export interface SearchHit {
  kind: 'contact' | 'message' | 'note' | 'ticket';
  id: string;
  contactId: string | null;
  conversationId: string | null;
  title: string;
  snippet: string;
  at: string;
}
export interface CustomField {
  id: string;
  key: string;
  label: string;
  type: 'text' | 'number' | 'boolean' | 'date' | 'select';
  options: string[];
}
export interface ContactChanges {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  companyId?: string | null;
  attributes?: Record<string, unknown>;
}
export type DuplicateReason = 'email' | 'phone' | 'wechat_unionid';

const enc = encodeURIComponent;

/** The CRM's API: contacts' records, timeline, notes, merges, duplicates, CSV import and search. */
export function crmApi(client: ApiClient) {
  return {
    list: (q?: string) => client.get<{ contacts: Contact[] }>('/contacts', { q, limit: 50 }),
    get: (id: string) => client.get<ContactRecord>(`/contacts/${enc(id)}`),
    update: (id: string, changes: ContactChanges) => client.patch<Contact>(`/contacts/${enc(id)}`, changes),
    companies: () => client.get<{ companies: { id: string; name: string }[] }>('/companies', { limit: 200 }),
    addCompany: (name: string) => client.post<{ id: string; name: string }>('/companies', { name }),
    customFields: () => client.get<{ fields: CustomField[] }>('/custom-fields'),
    timeline: (id: string) => client.get<{ items: TimelineItem[] }>(`/contacts/${enc(id)}/timeline`),
    merges: (id: string) => client.get<{ merges: Merge[] }>(`/contacts/${enc(id)}/merges`),
    addNote: (id: string, body: string) => client.post(`/contacts/${enc(id)}/notes`, { body }),
    addHandle: (id: string, kind: string, value: string) => client.post(`/contacts/${enc(id)}/handles`, { kind, value }),
    duplicatesOf: (id: string) => client.get<{ duplicates: { contact: Contact; reasons: DuplicateReason[] }[] }>(`/contacts/${enc(id)}/duplicates`),
    duplicateGroups: () => client.get<{ groups: { reason: DuplicateReason; key: string; contacts: Contact[] }[] }>('/contact-duplicates'),
    merge: (targetId: string, sourceId: string) => client.post<Contact & { mergeId: string }>(`/contacts/${enc(targetId)}/merge`, { sourceId }),
    undoMerge: (mergeId: string) => client.post<{ target: Contact | null; source: Contact | null }>(`/contact-merges/${enc(mergeId)}/undo`),
    startImport: (file: File) => client.post<ImportJob>(`/contact-imports?name=${enc(file.name)}`, new Blob([file], { type: 'text/csv' })),
    importJob: (id: string) => client.get<ImportJob>(`/contact-imports/${enc(id)}`),
    importErrorsUrl: (id: string) => client.url(`/contact-imports/${enc(id)}/errors`),
    exportUrl: () => client.url('/contacts/export'),
    archiveUrl: (id: string) => client.url(`/contacts/${enc(id)}/archive`),
    erase: (id: string) =>
      client.post<{ erased: { contacts: number; conversations: number; messages: number; files: number; tickets: number; calls: number } }>(
        `/contacts/${enc(id)}/erase`,
        {},
      ),
    search: (q: string) => client.get<{ hits: SearchHit[] }>('/search', { q }),
  };
}
export type CrmApi = ReturnType<typeof crmApi>;
