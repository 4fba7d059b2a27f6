import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from './support/console.js';
import { buildCompany, type Company } from './support/console-world.js';

type Role = keyof Company['clients'];
type Key = keyof Company['conversations'];
const KEYS: Key[] = ['salesQueued', 'supportAssigned', 'ownOnlyAssigned', 'ungrouped'];

/** What each role may see of the world buildCompany makes (as in console-matrix.test.ts). */
const VISIBLE: Record<Role, Key[]> = {
  admin: KEYS,
  supervisor: KEYS,
  salesAgent: ['salesQueued', 'ownOnlyAssigned'],
  supportAgent: ['supportAssigned'],
  ownOnly: ['ownOnlyAssigned'],
};

/**
 * The permission matrix for the customer record: for every role of two companies, the search box
 * and the contact pages show the contacts, notes and messages of the conversations the role may
 * see, and nothing of another group's or another company's.
 */
describe('customer records and search × every role × two companies', () => {
  let tc: TestConsole;
  const companies: Company[] = [];
  const noteOf = (company: Company, key: Key) => `${company.slug} ${key} contactnote`;

  beforeAll(async () => {
    tc = await startTestConsole({ env: { SIGN_IN_FREE_FAILURES_PER_IP: '100000' } });
    for (const slug of ['acme', 'globex']) {
      const company = await buildCompany(tc, slug);
      for (const key of KEYS) {
        const answer = await company.clients.admin.post(`/api/contacts/${company.conversations[key].contactId}/notes`, { body: noteOf(company, key) });
        expect(answer.status).toBe(201);
      }
      companies.push(company);
    }
  }, 180_000);
  afterAll(() => tc.stop());

  it("shows each role exactly its own groups' contacts, notes and messages in search and on contact pages", async () => {
    for (const [self, other] of [
      [companies[0]!, companies[1]!],
      [companies[1]!, companies[0]!],
    ] as const) {
      for (const role of Object.keys(VISIBLE) as Role[]) {
        const client = self.clients[role];
        const what = `${role}@${self.slug}`;
        const visible = VISIBLE[role];
        const hidden = KEYS.filter((k) => !visible.includes(k));
        const hits = [
          ...(await client.get(`/api/search?q=${self.slug}`)).body.hits,
          ...(await client.get('/api/search?q=contactnote&kinds=note')).body.hits,
        ] as { kind: string; contactId: string; conversationId: string | null; snippet: string }[];
        const text = JSON.stringify(hits);
        for (const key of visible) {
          const c = self.conversations[key];
          expect(
            hits.some((h) => h.kind === 'message' && h.conversationId === c.conversationId),
            `${what} finds the ${key} message`,
          ).toBe(true);
          expect(
            hits.some((h) => h.kind === 'contact' && h.contactId === c.contactId),
            `${what} finds the ${key} contact`,
          ).toBe(true);
          expect(
            hits.some((h) => h.kind === 'note' && h.snippet === noteOf(self, key)),
            `${what} finds the ${key} note`,
          ).toBe(true);
          const timeline = await client.get(`/api/contacts/${c.contactId}/timeline`);
          expect(timeline.status, what).toBe(200);
          expect(JSON.stringify(timeline.body)).toContain(noteOf(self, key));
        }
        for (const key of hidden) {
          const c = self.conversations[key];
          for (const marker of [c.contactId, c.conversationId, c.text, noteOf(self, key)])
            expect(text.includes(marker), `${what} search leaks ${key}`).toBe(false);
          expect((await client.get(`/api/contacts/${c.contactId}/timeline`)).status, `${what} timeline of ${key}`).toBe(404);
          expect((await client.get(`/api/contacts/${c.contactId}/duplicates`)).status, `${what} duplicates of ${key}`).toBe(404);
        }
        for (const key of KEYS) {
          const c = other.conversations[key];
          for (const marker of [c.contactId, c.conversationId, c.text, noteOf(other, key)])
            expect(text.includes(marker), `${what} search leaks ${other.slug}`).toBe(false);
          expect((await client.get(`/api/contacts/${c.contactId}/timeline`)).status).toBe(404);
        }
        expect((await client.get(`/api/search?q=${other.slug}`)).body.hits, `${what} searching ${other.slug}`).toEqual([]);
      }
    }
  }, 300_000);
});
