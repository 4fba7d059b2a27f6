import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryBus } from '../bus/memory/memory-bus.js';
import { freshDatabase } from '../../test/support/services.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import { ValidationError, NotFoundError } from '../errors.js';
import { createChannel, getChannel, listChannels, setChannelEnabled, updateChannel } from './channels.js';
import { defineConnector, secret } from './define.js';
import { listApiKeys, revokeApiKey, verifyApiKey } from './api-keys.js';
import { loadChannelContext } from './channel-context.js';

const demo = defineConnector({
  type: 'demo',
  displayName: 'Demo',
  capabilities: { receive: ['text'], send: ['text'] },
  config: z.object({ endpoint: z.url(), token: secret(z.string().min(8)), greeting: z.string().default('hello') }),
  apiKeys: true,
  publicKey: true,
  normalize: () => [],
  send: async () => 'x',
});

describe('channel management', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let deps: ReturnType<typeof testDeps>;
  let tenantId: string;
  beforeAll(async () => {
    database = await freshDatabase();
    deps = testDeps(database.db, new MemoryBus(), [demo]);
    tenantId = await seedTenant(database.db);
  });
  afterAll(() => database.drop());

  it('creates a channel with its secrets sealed, shows them only as set, and returns the API key once', async () => {
    const { channel, apiKey } = await createChannel(deps, tenantId, {
      type: 'demo',
      name: ' Support ',
      config: { endpoint: 'https://x.example/api', token: 'tok-secret-123' },
    });
    expect(channel).toMatchObject({
      name: 'Support',
      enabled: true,
      config: { endpoint: 'https://x.example/api', greeting: 'hello' },
      secrets: { token: { set: true } },
      webhookUrl: `http://switchboard.test/hooks/${channel.id}`,
    });
    expect(channel.publicKey).toMatch(/^pk_/);
    expect(JSON.stringify(channel)).not.toContain('tok-secret-123');
    const row = await database.db.selectFrom('channels').selectAll().where('id', '=', channel.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('tok-secret-123');
    expect(row.secrets).toMatch(/^v1\./);
    // The connector sees the secret, opened.
    expect((await loadChannelContext(deps, { id: channel.id }))!.ctx.config).toMatchObject({ token: 'tok-secret-123' });
    // The API key: kept hashed, valid for its channel only, revocable.
    expect(apiKey).toMatch(/^sbk_/);
    const keys = await database.db.selectFrom('channel_api_keys').selectAll().execute();
    expect(JSON.stringify(keys)).not.toContain(apiKey!);
    expect(await verifyApiKey(database.db, channel.id, apiKey!)).toBe(true);
    expect(await verifyApiKey(database.db, channel.id, `${apiKey}x`)).toBe(false);
    const [listed] = await listApiKeys(database.db, tenantId, channel.id);
    expect(await revokeApiKey(database.db, tenantId, channel.id, listed!.id)).toBe(true);
    expect(await verifyApiKey(database.db, channel.id, apiKey!)).toBe(false);
  });

  it('checks a key once for the requests that find its cached answer gone together', async () => {
    const { channel, apiKey } = await createChannel(deps, tenantId, {
      type: 'demo',
      name: 'Herd',
      config: { endpoint: 'https://h.example', token: 'herd-token-1' },
    });
    let statements = 0;
    const counted = database.db.withPlugin({
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        statements++;
        return args.result;
      },
    });
    const answers = await Promise.all(Array.from({ length: 50 }, () => verifyApiKey(counted, channel.id, apiKey!)));
    expect(answers.every(Boolean)).toBe(true);
    // One look-up and one write of the key's last use, not fifty of each.
    expect(statements).toBe(2);
    expect(await verifyApiKey(counted, channel.id, `${apiKey}x`)).toBe(false);
  });

  it('keeps a secret that an update leaves out and replaces one it gives', async () => {
    const { channel } = await createChannel(deps, tenantId, { type: 'demo', name: 'A', config: { endpoint: 'https://a.example', token: 'first-token-1' } });
    await updateChannel(deps, tenantId, channel.id, { config: { greeting: 'hi' } });
    expect((await loadChannelContext(deps, { id: channel.id }))!.ctx.config).toMatchObject({ token: 'first-token-1', greeting: 'hi' });
    const updated = await updateChannel(deps, tenantId, channel.id, { name: 'B', config: { token: 'second-token-2' } });
    expect(updated).toMatchObject({ name: 'B', config: { greeting: 'hi' }, secrets: { token: { set: true } } });
    expect((await loadChannelContext(deps, { id: channel.id }))!.ctx.config).toMatchObject({ token: 'second-token-2' });
  });

  it('refuses invalid settings naming the field, without echoing a secret', async () => {
    const error = await createChannel(deps, tenantId, { type: 'demo', name: 'A', config: { endpoint: 'not a url', token: 'short' } }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field).sort()).toEqual(['config.endpoint', 'config.token']);
    expect(JSON.stringify(error.issues)).not.toContain('short');
    await expect(createChannel(deps, tenantId, { type: 'nope', name: 'A' })).rejects.toThrow(ValidationError);
  });

  it('lists, gets and disables channels of one tenant only', async () => {
    const other = await seedTenant(database.db);
    const { channel } = await createChannel(deps, other, { type: 'demo', name: 'Other', config: { endpoint: 'https://o.example', token: 'other-token-1' } });
    expect((await listChannels(deps, tenantId)).map((c) => c.id)).not.toContain(channel.id);
    await expect(getChannel(deps, tenantId, channel.id)).rejects.toThrow(NotFoundError);
    expect((await setChannelEnabled(deps, other, channel.id, false)).enabled).toBe(false);
    expect(await loadChannelContext(deps, { id: channel.id })).toBeUndefined();
  });
});
