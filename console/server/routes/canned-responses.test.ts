import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console.js';
import { buildCompany, type Company } from '../../../test/support/console-world.js';

describe('canned responses', () => {
  let tc: TestConsole;
  let acme: Company;
  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
  });
  afterAll(() => tc.stop());

  it('keeps variables, refuses a misspelt one naming the body, and edits a reply in place', async () => {
    const admin = acme.clients.admin;
    const created = await admin.post('/api/canned-responses', {
      shortcut: 'hello',
      title: 'Greeting',
      body: 'Hello {{contact.name}}, this is {{agent.name}}.',
    });
    expect(created.status).toBe(201);
    const misspelt = await admin.post('/api/canned-responses', { shortcut: 'bye', title: 'Bye', body: 'Bye {{contact.nmae}}' });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.issues.map((i: { field: string }) => i.field)).toEqual(['body']);
    expect(misspelt.body.issues[0].message).toContain('{{contact.nmae}}');
    const edited = await admin.patch(`/api/canned-responses/${created.body.id}`, {
      title: 'Welcome',
      body: 'Welcome, {{contact.name}}! Write to {{contact.email}}.',
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      id: created.body.id,
      shortcut: 'hello',
      title: 'Welcome',
      body: 'Welcome, {{contact.name}}! Write to {{contact.email}}.',
    });
    expect((await admin.patch(`/api/canned-responses/${created.body.id}`, { body: '{{ agent.nam }}' })).status).toBe(400);
    const listed = await acme.clients.salesAgent.get('/api/canned-responses');
    expect(listed.body.cannedResponses.map((c: { title: string }) => c.title)).toEqual(['Welcome']);
  });
});
