import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeOpenAI, type FakeOpenAI } from '../../test/support/fake-openai.js';
import { startTestConsole, signUp, type ApiClient, type TestConsole } from '../../test/support/console.js';
import { buildCompany, type Company } from '../../test/support/console-world.js';
import { modelDb } from '../model/schema.js';

describe('the company’s model settings through the API', () => {
  let tc: TestConsole;
  let fake: FakeOpenAI;
  let acme: Company;
  let globex: ApiClient;
  beforeAll(async () => {
    [tc, fake] = await Promise.all([startTestConsole(), fakeOpenAI()]);
    acme = await buildCompany(tc, 'acme');
    globex = (await signUp(tc, 'globex')).admin;
  });
  afterAll(async () => {
    await tc?.stop();
    await fake?.close();
  });

  it('keeps the key write-only: stored sealed, never answered, logged or audited', async () => {
    const admin = acme.clients.admin;
    expect((await admin.get('/api/assistant/model')).body).toEqual({
      configured: false,
      enabled: false,
      baseUrl: '',
      model: '',
      apiKeySet: false,
      maskPersonalData: false,
      timeoutMs: 30000,
      updatedAt: null,
    });
    const saved = await admin.put('/api/assistant/model', { enabled: true, baseUrl: `${fake.url}/`, model: 'gpt-4o-mini', apiKey: fake.key });
    expect(saved.status, JSON.stringify(saved.body)).toBe(204);
    const shown = await admin.get('/api/assistant/model');
    expect(shown.body).toMatchObject({ configured: true, enabled: true, baseUrl: fake.url, model: 'gpt-4o-mini', apiKeySet: true });
    const row = await modelDb(tc.ctx.database.db).selectFrom('ai_model_settings').selectAll().where('tenant_id', '=', acme.tenantId).executeTakeFirstOrThrow();
    expect(row.api_key).toMatch(/^v1\./);
    const audit = await tc.ctx.database.db.selectFrom('audit_log').select(['action', 'details']).where('tenant_id', '=', acme.tenantId).execute();
    expect(audit.find((a) => a.action === 'ai_model.updated')?.details).toMatchObject({ key: 'replaced', model: 'gpt-4o-mini' });
    for (const text of [JSON.stringify(shown.body), row.api_key, JSON.stringify(audit), tc.logs.join('\n')]) expect(text).not.toContain(fake.key);

    // Saved again without a key: the stored one stays and still works.
    expect((await admin.put('/api/assistant/model', { enabled: true, baseUrl: fake.url, model: 'gpt-4o-mini', maskPersonalData: true })).status).toBe(204);
    fake.answer('OK');
    const checked = await admin.post('/api/assistant/model/test');
    expect(checked.body).toMatchObject({ ok: true, model: 'gpt-4o-mini' });
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${fake.key}`);
  });

  it('never sends the stored key to a new address, and refuses addresses the server may not reach', async () => {
    const admin = acme.clients.admin;
    const moved = await admin.put('/api/assistant/model', { enabled: true, baseUrl: 'https://models.example.net/v1', model: 'gpt-4o-mini' });
    expect(moved.status).toBe(400);
    expect(moved.body.issues[0].field).toBe('apiKey');
    for (const baseUrl of ['http://10.0.0.7:11434/v1', 'http://169.254.169.254/latest', 'ftp://models.example.net/v1']) {
      const refused = await admin.put('/api/assistant/model', { enabled: true, baseUrl, model: 'qwen2.5', apiKey: null });
      expect(refused.status, baseUrl).toBe(400);
      expect(refused.body.issues[0].field, baseUrl).toBe('baseUrl');
    }
    expect((await admin.get('/api/assistant/model')).body).toMatchObject({ baseUrl: fake.url, apiKeySet: true });
  });

  it('says why a check failed: a refused key', async () => {
    const admin = acme.clients.admin;
    await admin.put('/api/assistant/model', { enabled: true, baseUrl: fake.url, model: 'gpt-4o-mini', apiKey: 'sk-not-the-right-one' });
    const checked = await admin.post('/api/assistant/model/test');
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ ok: false, reason: 'unauthorized' });
    await admin.put('/api/assistant/model', { enabled: true, baseUrl: fake.url, model: 'gpt-4o-mini', apiKey: fake.key });
  });

  it('counts the calls, tokens, latency and errors by feature', async () => {
    const usage = await acme.clients.admin.get('/api/assistant/usage');
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({ calls: 2, errors: 1 });
    expect(usage.body.byFeature).toEqual([
      expect.objectContaining({ feature: 'settings.test', calls: 2, errors: 1, errorsByCode: { unauthorized: 1 }, promptTokens: expect.any(Number) }),
    ]);
    expect(usage.body.latency.medianMs).toBeGreaterThanOrEqual(0);
    const bad = await acme.clients.admin.get('/api/assistant/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('from');
  });

  it('is for holders of assistant.manage only, and each company sees only its own', async () => {
    for (const client of [acme.clients.supportAgent, acme.clients.supervisor]) {
      expect((await client.get('/api/assistant/model')).status).toBe(403);
      expect((await client.put('/api/assistant/model', { enabled: false, baseUrl: fake.url, model: 'x' })).status).toBe(403);
      expect((await client.post('/api/assistant/model/test')).status).toBe(403);
      expect((await client.get('/api/assistant/usage')).status).toBe(403);
    }
    expect((await globex.get('/api/assistant/model')).body).toMatchObject({ configured: false, baseUrl: '', apiKeySet: false });
    expect((await globex.post('/api/assistant/model/test')).body).toMatchObject({ ok: false, reason: 'not_configured' });
    expect((await globex.get('/api/assistant/usage')).body).toMatchObject({ calls: 0, byFeature: [] });
    const me = await acme.clients.admin.get('/api/session');
    expect(me.body.permissions).toContain('assistant.manage');
  });
});
