import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.js';
import { createLogger } from '../../core/log/logger.js';
import { fakeOpenAI, type FakeOpenAI } from '../../test/support/fake-openai.js';
import { loopbackOutbound } from '../../test/support/connectors.js';
import { freshDatabase } from '../../test/support/services.js';
import { CompanyModels, ModelUnavailableError } from './gateway.js';
import { modelDb } from './schema.js';
import { writeModelSettings, type ModelSettingsInput } from './settings.js';

describe('the model gateway against an OpenAI-compatible server', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let fake: FakeOpenAI;
  let gateway: CompanyModels;
  let tenantId: string;
  const logs: string[] = [];
  const config = loadConfig({ SECRET_KEY: 'cd'.repeat(32), DATA_DIR: '/tmp' });
  const outbound = loopbackOutbound();

  const settings = (over: Partial<ModelSettingsInput> = {}) =>
    writeModelSettings(
      database.db,
      config.secretKey,
      tenantId,
      { enabled: true, baseUrl: fake.url, model: 'gpt-4o-mini', apiKey: fake.key, maskPersonalData: false, timeoutMs: 5000, ...over },
      null,
    );
  const usageRows = () => modelDb(database.db).selectFrom('ai_usage').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelUnavailableError);
    return error as ModelUnavailableError;
  };
  const ask = (text = 'Hello') => ({ tenantId, feature: 'copilot.suggest' as const, messages: [{ role: 'user' as const, content: text }] });

  beforeAll(async () => {
    database = await freshDatabase();
    fake = await fakeOpenAI();
    const logger = createLogger('info', { write: (line: string) => void logs.push(line) });
    gateway = new CompanyModels({ database, config, outbound, logger }, { settingsTtlMs: 0 });
    tenantId = (await database.db.insertInto('tenants').values({ slug: 'tea', name: 'Tea House' }).returning('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await fake?.close();
    await outbound.close();
    await database?.drop();
  });
  beforeEach(async () => {
    await settings();
    fake.answer('Hello! How can I help you today?');
    fake.requests.length = 0;
    await modelDb(database.db).deleteFrom('ai_usage').execute();
  });

  it('says no model is set up until a company sets one, and calls nothing', async () => {
    const other = (await database.db.insertInto('tenants').values({ slug: 'other', name: 'Other' }).returning('id').executeTakeFirstOrThrow()).id;
    expect(await gateway.configured(other)).toBe(false);
    expect((await failure(gateway.complete({ ...ask(), tenantId: other }))).reason).toBe('not_configured');
    await settings({ enabled: false });
    expect(await gateway.configured(tenantId)).toBe(false);
    expect((await failure(gateway.complete(ask()))).reason).toBe('not_configured');
    expect(fake.requests).toEqual([]);
    expect(await usageRows()).toEqual([]);
  });

  it('answers a whole completion with the key, model and messages sent, and records its tokens', async () => {
    fake.answer('您好,请问有什么可以帮您?');
    const answer = await gateway.complete({ ...ask('你好'), maxTokens: 200, temperature: 0.2 });
    expect(answer).toMatchObject({ text: '您好,请问有什么可以帮您?', model: 'gpt-4o-mini', usage: { promptTokens: 9, completionTokens: 13 } });
    const [sent] = fake.requests;
    expect(sent?.headers.authorization).toBe(`Bearer ${fake.key}`);
    expect(sent?.body).toMatchObject({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: '你好' }], max_tokens: 200, temperature: 0.2 });
    expect(sent?.body.stream).toBeUndefined();
    const [row] = await usageRows();
    expect(row).toMatchObject({ feature: 'copilot.suggest', model: 'gpt-4o-mini', prompt_tokens: 9, completion_tokens: 13, outcome: 'ok', error_code: null });
    expect(row!.latency_ms).toBe(answer.latencyMs);
  });

  it('streams the answer piece by piece and takes the usage from the last chunk', async () => {
    fake.next({ text: 'Your parcel ships today.', pieces: ['Your ', 'parcel ', 'ships ', 'today.'] });
    const deltas: string[] = [];
    const answer = await gateway.complete({ ...ask('Where is my parcel?'), onDelta: (d) => deltas.push(d) });
    expect(deltas).toEqual(['Your ', 'parcel ', 'ships ', 'today.']);
    expect(answer.text).toBe('Your parcel ships today.');
    expect(answer.usage).toEqual({ promptTokens: 12, completionTokens: 5 });
    expect(fake.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(await usageRows()).toMatchObject([{ prompt_tokens: 12, completion_tokens: 5, outcome: 'ok' }]);
  });

  it('fails at once when the key is refused, and never shows or logs the key', async () => {
    await settings({ apiKey: 'sk-wrong-0123456789abcdef' });
    const error = await failure(gateway.complete(ask()));
    expect(error.reason).toBe('unauthorized');
    expect(error.message).not.toContain('0123456789abcdef');
    expect(fake.requests).toHaveLength(1);
    expect(await usageRows()).toMatchObject([{ outcome: 'error', error_code: 'unauthorized' }]);
    expect(logs.join('\n')).not.toContain('0123456789abcdef');
  });

  it('waits out a rate limit as the server asks and then answers', async () => {
    fake.next({ status: 429, retryAfter: 1 });
    const started = Date.now();
    const answer = await gateway.complete(ask());
    expect(answer.text).toBe('Hello! How can I help you today?');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.requests).toHaveLength(2);
    expect(await usageRows()).toMatchObject([{ outcome: 'ok' }]);
  });

  it('tries a failing server three times with back-off, then gives up', async () => {
    fake.next({ status: 500 }, { status: 500 }, { status: 500 });
    const error = await failure(gateway.complete(ask()));
    expect(error.reason).toBe('failed');
    expect(error.message).toContain('500');
    expect(fake.requests).toHaveLength(3);
    expect(await usageRows()).toMatchObject([{ outcome: 'error', error_code: 'http_500' }]);
  });

  it('ends a call that hangs, before the headers or in the middle of a stream, within the company’s time limit', async () => {
    await settings({ timeoutMs: 1500 });
    fake.next({ hang: 'before' });
    let started = Date.now();
    expect((await failure(gateway.complete(ask()))).reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2500);

    fake.next({ hang: 'midStream', text: 'Let me check that for you' });
    const deltas: string[] = [];
    started = Date.now();
    expect((await failure(gateway.complete({ ...ask(), onDelta: (d) => deltas.push(d) }))).reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2500);
    expect(deltas).toEqual(['Let ']);
    expect(await usageRows()).toMatchObject([
      { outcome: 'error', error_code: 'timeout' },
      { outcome: 'error', error_code: 'timeout' },
    ]);
  });

  it('masks e-mail addresses, phone numbers and card numbers before they leave, and puts them back in the answer', async () => {
    await settings({ maskPersonalData: true });
    fake.answer(
      (request) =>
        `I will write to ${request.messages[1]?.content.match(/\[email \d\]/)?.[0]} and call ${request.messages[1]?.content.match(/\[phone \d\]/)?.[0]}.`,
    );
    const personal = ['wang.fang@example.com', '13800138000', '+86 139 1234 5678', '4111 1111 1111 1111'];
    const answer = await gateway.complete({
      tenantId,
      feature: 'copilot.suggest',
      messages: [
        { role: 'system', content: 'You help agents. Our hotline is 400-810-8888.' },
        { role: 'user', content: `Customer: reach me at ${personal[0]} or ${personal[1]}, or ${personal[2]}. My card is ${personal[3]}.` },
      ],
    });
    const sent = fake.requests[0]!.raw;
    for (const value of [...personal, '400-810-8888', '4111111111111111']) expect(sent).not.toContain(value);
    expect(sent).toContain('[email 1]');
    expect(sent).toContain('[card 1]');
    expect(answer.text).toBe('I will write to wang.fang@example.com and call 13800138000.');
  });

  it('refuses an address inside the installation’s network at once, without retrying', async () => {
    await settings({ baseUrl: 'http://10.0.0.7:11434/v1' });
    const started = Date.now();
    const error = await failure(gateway.complete(ask()));
    expect(error.reason).toBe('failed');
    expect(error.message).toContain('cannot be reached from this server');
    expect(Date.now() - started).toBeLessThan(400);
    expect(await usageRows()).toMatchObject([{ outcome: 'error', error_code: 'refused' }]);
  });

  it('sends no Authorization header to a model that takes no key', async () => {
    await settings({ apiKey: null });
    expect((await failure(gateway.complete(ask()))).reason).toBe('unauthorized');
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('checks the stored settings with one tiny call, even while they are switched off', async () => {
    await settings({ enabled: false });
    fake.answer('OK');
    const answer = await gateway.check(tenantId);
    expect(answer.text).toBe('OK');
    expect(fake.requests[0]?.body).toMatchObject({ max_tokens: 5, temperature: 0 });
    expect(await usageRows()).toMatchObject([{ feature: 'settings.test', outcome: 'ok' }]);
  });
});
