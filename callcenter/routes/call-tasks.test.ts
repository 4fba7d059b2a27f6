import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCompany, type Company } from '../../test/support/console-world.js';
import { startTestConsole, type TestConsole } from '../../test/support/console.js';
import type { ApiClient } from '../../test/support/console.js';

describe('outbound call tasks', () => {
  let tc: TestConsole;
  let co: Company;

  beforeAll(async () => {
    tc = await startTestConsole();
    co = await buildCompany(tc, 'calltasks');
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it('imports 1,000 customers with 5 bad rows reported, and two agents call every one exactly once', async () => {
    const admin = co.clients.admin;
    const task = await admin.post('/api/call-tasks', {
      name: '续费回访',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      agentIds: [co.users.salesAgent, co.users.supportAgent],
    });
    expect(task.status).toBe(201);

    const lines = ['name,phone'];
    for (let i = 0; i < 1000; i++) {
      lines.push(`客户${i},+86138${String(i).padStart(8, '0')}`);
      if (i === 100) lines.push('没有电话,');
      if (i === 200) lines.push('Bad,phone-number');
      if (i === 300) lines.push('Short,12');
      if (i === 400) lines.push('"Quoted, Name",');
      if (i === 500) lines.push('Letters,13800abc000');
    }
    const imported = await admin.post(`/api/call-tasks/${task.body.id}/import`, { csv: `${lines.join('\n')}\n` });
    expect(imported.status).toBe(200);
    expect(imported.body.imported).toBe(1000);
    expect(imported.body.errors).toHaveLength(5);
    expect(imported.body.errors[0]).toEqual({ line: 103, message: 'no phone number' });
    // Importing the same file again adds nobody twice.
    expect((await admin.post(`/api/call-tasks/${task.body.id}/import`, { csv: lines.slice(0, 11).join('\n') })).body).toMatchObject({
      imported: 0,
      duplicates: 10,
    });

    expect((await admin.post(`/api/call-tasks/${task.body.id}/next`)).status).toBe(403);
    expect((await co.clients.ownOnly.post(`/api/call-tasks/${task.body.id}/next`)).status).toBe(403);

    const work = async (client: ApiClient) => {
      const called: string[] = [];
      for (;;) {
        const next = await client.post(`/api/call-tasks/${task.body.id}/next`);
        expect(next.status).toBe(200);
        if (!next.body.target) return called;
        // Asking again before a result gives the same customer: one at a time.
        if (called.length === 0) expect((await client.post(`/api/call-tasks/${task.body.id}/next`)).body.target.id).toBe(next.body.target.id);
        const result = await client.post(`/api/call-tasks/${task.body.id}/targets/${next.body.target.id}/result`, {
          result: called.length % 3 === 0 ? 'interested' : 'no answer',
        });
        expect(result.status).toBe(200);
        called.push(next.body.target.id);
      }
    };
    const [sales, support] = await Promise.all([work(co.clients.salesAgent), work(co.clients.supportAgent)]);
    expect(sales.length + support.length).toBe(1000);
    expect(new Set([...sales, ...support]).size).toBe(1000);
    expect(sales.length).toBeGreaterThan(0);
    expect(support.length).toBeGreaterThan(0);

    const progress = await co.clients.salesAgent.get(`/api/call-tasks/${task.body.id}`);
    expect(progress.body.progress).toEqual({ total: 1000, pending: 0, inProgress: 0, done: 1000 });
    expect(progress.body.results.interested + progress.body.results['no answer']).toBe(1000);
  }, 120_000);

  it('refuses a task that ends before it starts, and work outside its window', async () => {
    const admin = co.clients.admin;
    const backwards = await admin.post('/api/call-tasks', {
      name: 'x',
      startsAt: '2026-12-02T00:00:00Z',
      endsAt: '2026-12-01T00:00:00Z',
      agentIds: [co.users.salesAgent],
    });
    expect(backwards.status).toBe(400);
    const future = await admin.post('/api/call-tasks', {
      name: 'later',
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
      agentIds: [co.users.salesAgent],
    });
    expect((await co.clients.salesAgent.post(`/api/call-tasks/${future.body.id}/next`)).status).toBe(409);
  });
});
