import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryBus } from '../bus/memory/memory-bus.js';
import { freshDatabase } from '../../test/support/services.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import { ValidationError } from '../errors.js';
import { createChannel } from './channels.js';
import { loadChannelContext } from './channel-context.js';
import { defineConnector } from './define.js';

const keeper = defineConnector({
  type: 'keeper',
  displayName: 'Keeper',
  capabilities: { receive: ['text'], send: ['text'] },
  config: z.object({}),
  normalize: () => [],
  send: async () => 'x',
});

describe('a connector’s own state (ctx.state)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let deps: ReturnType<typeof testDeps>;
  beforeAll(async () => {
    database = await freshDatabase();
    deps = testDeps(database.db, new MemoryBus(), [keeper]);
  });
  afterAll(() => database.drop());

  const open = async (tenantId: string) => {
    const { channel } = await createChannel(deps, tenantId, { type: 'keeper', name: 'Keeper', config: {} });
    const found = await loadChannelContext(deps, { id: channel.id });
    return { channel, ctx: found!.ctx };
  };

  it('keeps JSON values per channel, out of every other channel’s reach, and forgets them with the channel', async () => {
    const a = await open(await seedTenant(database.db));
    const b = await open(await seedTenant(database.db));
    await a.ctx.state.set('window', { openUntil: '2026-12-08T10:00:00Z', count: 2 });
    await a.ctx.state.set('window', { openUntil: '2026-12-08T11:00:00Z', count: 3 });
    expect(await a.ctx.state.get('window')).toEqual({ openUntil: '2026-12-08T11:00:00Z', count: 3 });
    expect(await b.ctx.state.get('window')).toBeUndefined();
    await b.ctx.state.set('window', 'b’s own');
    expect(await a.ctx.state.get('window')).toMatchObject({ count: 3 });

    await a.ctx.state.delete('window');
    expect(await a.ctx.state.get('window')).toBeUndefined();
    expect(await b.ctx.state.get('window')).toBe('b’s own');

    await database.db.deleteFrom('channels').where('id', '=', b.channel.id).execute();
    const left = await database.db.selectFrom('channel_data').select('key').where('channel_id', '=', b.channel.id).execute();
    expect(left).toEqual([]);
  });

  it('refuses a key or value PostgreSQL cannot store, naming it', async () => {
    const { ctx } = await open(await seedTenant(database.db));
    await expect(ctx.state.set('', 1)).rejects.toBeInstanceOf(ValidationError);
    await expect(ctx.state.set('k'.repeat(201), 1)).rejects.toBeInstanceOf(ValidationError);
    await expect(ctx.state.set('note', { text: 'a\u0000b' })).rejects.toThrow(/value\.text/);
  });
});
