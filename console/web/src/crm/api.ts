import type { ApiClient } from '../api/client.js';
import type { Answer, Schemas } from '../api/schema.js';

export type Contact = Schemas['ContactView'];
export type ContactRecord = Schemas['ContactDetail'];
export type TimelineItem = Schemas['TimelineItem'];
export type Merge = Answer<'/api/contacts/{id}/merges', 'get'>['merges'][number];
export type ImportJob = Schemas['ImportJob'];
export type SearchHit = Schemas['SearchHit'];
export type CustomField = Schemas['CustomField'];
export interface ContactChanges {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  companyId?: string | null;
  attributes?: Record<string, unknown>;
}
export type DuplicateReason = Answer<'/api/contact-duplicates', 'get'>['groups'][number]['reason'];

const enc = encodeURIComponent;

/** The CRM's API: contacts' records, timeline, notes, merges, duplicates, CSV import and search. */
export function crmApi(client: ApiClient) {
  return {
    list: (q?: string) => client.get<Answer<'/api/contacts', 'get'>>('/contacts', { q, limit: 50 }),
    get: (id: string) => client.get<ContactRecord>(`/contacts/${enc(id)}`),
    update: (id: string, changes: ContactChanges) => client.patch<Answer<'/api/contacts/{id}', 'patch'>>(`/contacts/${enc(id)}`, changes),
    companies: () => client.get<Answer<'/api/companies', 'get'>>('/companies', { limit: 200 }),
    addCompany: (name: string) => client.post<Answer<'/api/companies', 'post'>>('/companies', { name }),
    customFields: () => client.get<Answer<'/api/custom-fields', 'get'>>('/custom-fields'),
    timeline: (id: string) => client.get<Answer<'/api/contacts/{id}/timeline', 'get'>>(`/contacts/${enc(id)}/timeline`),
    merges: (id: string) => client.get<Answer<'/api/contacts/{id}/merges', 'get'>>(`/contacts/${enc(id)}/merges`),
    addNote: (id: string, body: string) => client.post(`/contacts/${enc(id)}/notes`, { body }),
    addHandle: (id: string, kind: string, value: string) => client.post(`/contacts/${enc(id)}/handles`, { kind, value }),
    duplicatesOf: (id: string) => client.get<Answer<'/api/contacts/{id}/duplicates', 'get'>>(`/contacts/${enc(id)}/duplicates`),
    duplicateGroups: () => client.get<Answer<'/api/contact-duplicates', 'get'>>('/contact-duplicates'),
    merge: (targetId: string, sourceId: string) => client.post<Answer<'/api/contacts/{id}/merge', 'post'>>(`/contacts/${enc(targetId)}/merge`, { sourceId }),
    undoMerge: (mergeId: string) => client.post<Answer<'/api/contact-merges/{id}/undo', 'post'>>(`/contact-merges/${enc(mergeId)}/undo`),
    startImport: (file: File) => client.post<ImportJob>(`/contact-imports?name=${enc(file.name)}`, new Blob([file], { type: 'text/csv' })),
    importJob: (id: string) => client.get<ImportJob>(`/contact-imports/${enc(id)}`),
    importErrorsUrl: (id: string) => client.url(`/contact-imports/${enc(id)}/errors`),
    exportUrl: () => client.url('/contacts/export'),
    archiveUrl: (id: string) => client.url(`/contacts/${enc(id)}/archive`),
    erase: (id: string) => client.post<Answer<'/api/contacts/{id}/erase', 'post'>>(`/contacts/${enc(id)}/erase`, {}),
    search: (q: string) => client.get<Answer<'/api/search', 'get'>>('/search', { q }),
  };
}
export type CrmApi = ReturnType<typeof crmApi>;
