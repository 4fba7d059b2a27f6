import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from './support/console.js';
import { buildCompany, type Company } from './support/console-world.js';
import { eventually } from './support/services.js';
import { CONTACT_IMPORT_JOB, enqueueContactImport } from '../crm/part.js';

const csv = (text: string) => new TextEncoder().encode(text);

describe('contacts CSV: import as a job with progress and a per-row error report, export of what one may see', () => {
  let tc: TestConsole;
  let acme: Company;
  /** The import as the admin reads it once it has ended: a console process picks it up on its own. */
  async function finished(id: string) {
    return eventually(
      async () => {
        const { body } = await acme.clients.admin.get(`/api/contact-imports/${id}`);
        return ['done', 'failed'].includes(body.status) ? body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }

  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
    await acme.clients.admin.post('/api/custom-fields', { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] });
    await acme.clients.admin.post('/api/custom-fields', { key: 'seats', label: 'Seats', type: 'number' });
  });
  afterAll(() => tc.stop());

  it('imports rows, makes companies, updates contacts by e-mail, and reports each refused row with its reason', async () => {
    const admin = acme.clients.admin;
    const file = [
      'name,email,phone,company,tags,plan,seats',
      '王芳,fang@example.cn,+86 138 0000 0001,星辰科技,vip;华东,pro,12',
      'Bob,bob@example.com,,Initech,,free,',
      'Broken,not-an-email,,,,,',
      '"Quote, Inc. contact",quote@example.com,,"Quote, Inc.",,platinum,x',
      'Bob Again,BOB@example.com,555-0100,,,,3',
      `Existing,${acme.slug}-salesqueued@customer.example,,,,pro,`,
    ].join('\n');
    const started = await admin.upload('/api/contact-imports?name=people.csv', csv(file), 'text/csv');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ fileName: 'people.csv' });
    const done = await finished(started.body.id);
    expect(done).toMatchObject({ status: 'done', progress: 100, rows: 6, created: 2, updated: 2, failed: 2 });
    const errors = await admin.download(`/api/contact-imports/${started.body.id}/errors`);
    expect(errors.headers.get('content-type')).toContain('text/csv');
    const report = parse(errors.bytes, { bom: true }) as string[][];
    expect(report[0]).toEqual(['row', 'message']);
    expect(report.slice(1).map((r) => r[0])).toEqual(['3', '4']);
    expect(report[1]![1]).toContain('email');
    expect(report[2]![1]).toMatch(/plan: one of free, pro; seats: "x" is not a number/);

    const fang = (await admin.get('/api/contacts?q=fang@example.cn')).body.contacts[0];
    expect(fang).toMatchObject({ name: '王芳', phone: '+86 138 0000 0001', tags: ['vip', '华东'], attributes: { plan: 'pro', seats: 12 } });
    const company = await admin.get(`/api/companies/${fang.companyId}`);
    expect(company.body).toMatchObject({ name: '星辰科技', contacts: [expect.objectContaining({ id: fang.id })] });
    const bob = (await admin.get('/api/contacts?q=bob@example.com')).body.contacts;
    expect(bob).toHaveLength(1);
    expect(bob[0]).toMatchObject({ name: 'Bob Again', phone: '555-0100', attributes: { plan: 'free', seats: 3 } });
    const existing = await admin.get(`/api/contacts/${acme.conversations.salesQueued.contactId}`);
    expect(existing.body.attributes).toMatchObject({ plan: 'pro' });
  });

  it('refuses a file with unknown columns as a whole, and an agent without the permission cannot import', async () => {
    const started = await acme.clients.admin.upload('/api/contact-imports', csv('name,favourite_colour\nAnn,red\n'), 'text/csv');
    const done = await finished(started.body.id);
    expect(done).toMatchObject({ status: 'failed', created: 0 });
    expect(done.error).toContain('favourite_colour');
    expect((await acme.clients.salesAgent.upload('/api/contact-imports', csv('name\nAnn\n'), 'text/csv')).status).toBe(403);
    expect((await acme.clients.admin.upload('/api/contact-imports', csv(''), 'text/csv')).status).toBe(400);
  });

  it('resumes an interrupted import after the last committed row, creating nobody twice', async () => {
    const db = tc.ctx.database.db;
    const dir = join(tc.ctx.config.dataDir, 'imports', acme.tenantId);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'interrupted.csv');
    writeFileSync(path, 'name,email\nFirst,resume-1@example.com\nSecond,resume-2@example.com\nThird,resume-3@example.com\n');
    await db.insertInto('contacts').values({ tenant_id: acme.tenantId, name: 'First', email: 'resume-1@example.com' }).execute();
    // As a process that died after the first row leaves it: running, its lease lapsed, its job due.
    const job = await db
      .insertInto('contact_imports')
      .values({
        tenant_id: acme.tenantId,
        file_name: 'interrupted.csv',
        file_path: path,
        total_bytes: 90,
        status: 'running',
        rows_done: 1,
        created_count: 1,
        lease_until: new Date(Date.now() - 1000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await enqueueContactImport(db, { id: job.id, tenantId: acme.tenantId });
    expect(await finished(job.id)).toMatchObject({ status: 'done', rows: 3, created: 3, updated: 0 });
    // The import took its job with it.
    expect(await db.selectFrom('jobs').select('id').where('kind', '=', CONTACT_IMPORT_JOB).execute()).toEqual([]);
    const emails = await db
      .selectFrom('contacts')
      .select('email')
      .where('tenant_id', '=', acme.tenantId)
      .where('email', 'like', 'resume-%')
      .orderBy('email')
      .execute();
    expect(emails.map((e) => e.email)).toEqual(['resume-1@example.com', 'resume-2@example.com', 'resume-3@example.com']);
  });

  it('takes up an import queued without a job (before imports were jobs) when a console process starts', async () => {
    const db = tc.ctx.database.db;
    const dir = join(tc.ctx.config.dataDir, 'imports', acme.tenantId);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'queued-before.csv');
    writeFileSync(path, 'name,email\nEarly,early-1@example.com\n');
    const queued = await db
      .insertInto('contact_imports')
      .values({ tenant_id: acme.tenantId, file_name: 'queued-before.csv', file_path: path, total_bytes: 35 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const second = await startTestConsole({ database: { ...tc.ctx.database, drop: async () => {} } });
    try {
      expect(await finished(queued.id)).toMatchObject({ status: 'done', rows: 1, created: 1 });
    } finally {
      await second.stop();
    }
  });

  it('exports the visible contacts with companies and custom fields in columns import reads back', async () => {
    const whole = await acme.clients.admin.download('/api/contacts/export');
    const rows = parse(whole.bytes, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['id', 'name', 'email', 'phone', 'company', 'tags', 'created_at', 'plan', 'seats']);
    expect(rows.find((r) => r.email === 'fang@example.cn')).toMatchObject({ name: '王芳', company: '星辰科技', tags: 'vip; 华东', plan: 'pro', seats: '12' });
    // Edited and imported back: the contact is updated by id, nobody is added.
    const before = rows.length;
    const fang = rows.find((r) => r.email === 'fang@example.cn')!;
    const back = `id,name,seats\n${fang.id},王芳 (edited),20\n`;
    const job = await acme.clients.admin.upload('/api/contact-imports', csv(back), 'text/csv');
    expect(await finished(job.body.id)).toMatchObject({ status: 'done', updated: 1, created: 0 });
    const again = parse((await acme.clients.admin.download('/api/contacts/export')).bytes, { columns: true }) as Record<string, string>[];
    expect(again).toHaveLength(before);
    expect(again.find((r) => r.id === fang.id)).toMatchObject({ name: '王芳 (edited)', seats: '20', plan: 'pro' });
  });
});
