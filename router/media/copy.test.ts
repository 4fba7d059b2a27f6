import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentPart } from '../../core/domain/messages.js';
import { parseAllowEntry } from '../../core/net/addresses.js';
import { OutboundClient } from '../../core/net/outbound.js';
import { startMediaHost, type MediaHost } from '../../test/fakes/media-host.js';
import { freshDatabase } from '../../test/support/services.js';
import { seedCustomerConversation } from '../../test/support/web-world.js';
import { copyCustomerMedia, type MediaCopyDeps } from './copy.js';

describe('copying a customer’s media into the store', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let host: MediaHost;
  let deps: MediaCopyDeps;
  let tenantId: string;
  let conversationId: string;
  let url: (path: string) => string;

  beforeAll(async () => {
    database = await freshDatabase();
    host = await startMediaHost();
    url = (path) => `http://localhost:${host.port}${path}`;
    deps = { db: database.db, outbound: new OutboundClient({ allow: [parseAllowEntry('localhost')!] }), dataDir: mkdtempSync(join(tmpdir(), 'sb-media-')) };
    await database.db.insertInto('tenants').values({ slug: 'copy-co', name: 'Copy Co' }).execute();
    ({ tenantId, conversationId } = await seedCustomerConversation(database.db, {
      tenantSlug: 'copy-co',
      assigneeId: null,
      contactName: 'Zhou Min',
      messages: [
        {
          direction: 'in',
          parts: [
            { type: 'image', url: url('/busy.png') },
            { type: 'audio', url: url('/photo.png') },
            { type: 'image', url: url('/photo.png') },
          ],
        },
        { direction: 'out', parts: [{ type: 'image', url: url('/photo.png') }] },
      ],
    }));
  });
  afterAll(async () => {
    await deps?.outbound.close();
    await host?.close();
    await database?.drop();
  });

  const message = async (direction: 'in' | 'out') => {
    const row = await database.db
      .selectFrom('messages')
      .select(['id', 'content'])
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', direction)
      .executeTakeFirstOrThrow();
    return { id: row.id, parts: row.content as ContentPart[] };
  };
  const updates = async (messageId: string) =>
    (await database.db.selectFrom('outbox').select('payload').where('kind', '=', 'message.updated').orderBy('id').execute())
      .map((row) => row.payload as { messageId: string; parts: ContentPart[] })
      .filter((p) => p.messageId === messageId);

  it('keeps what may mend for another try, settles the rest at once, and marks it failed on the last try', async () => {
    const { id } = await message('in');
    expect(await copyCustomerMedia(deps, { tenantId, messageId: id }, { lastAttempt: false })).toBe('retry');
    let parts = (await message('in')).parts;
    // The 503 waits for the next try; an image sent as a voice message is refused for good.
    expect(parts[0]).toEqual({ type: 'image', url: url('/busy.png') });
    expect(parts[1]).toEqual({ type: 'audio', url: url('/photo.png'), unfetched: 'failed' });
    expect(parts[2]).toMatchObject({ type: 'image', name: 'photo.png', mimeType: 'image/png' });
    expect((await updates(id)).at(-1)?.parts).toEqual(parts);

    expect(await copyCustomerMedia(deps, { tenantId, messageId: id }, { lastAttempt: true })).toBe('done');
    parts = (await message('in')).parts;
    expect(parts[0]).toEqual({ type: 'image', url: url('/busy.png'), unfetched: 'failed' });
    expect(await updates(id)).toHaveLength(2);
  });

  it('does nothing for a message already settled (the event delivered again), nor for an agent’s message', async () => {
    const asked = host.requests.length;
    const inbound = await message('in');
    expect(await copyCustomerMedia(deps, { tenantId, messageId: inbound.id }, { lastAttempt: false })).toBe('done');
    const outbound = await message('out');
    expect(await copyCustomerMedia(deps, { tenantId, messageId: outbound.id }, { lastAttempt: true })).toBe('done');
    expect((await message('out')).parts).toEqual([{ type: 'image', url: url('/photo.png') }]);
    expect(host.requests.length).toBe(asked);
    expect(await updates(inbound.id)).toHaveLength(2);
  });
});
