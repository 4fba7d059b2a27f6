import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryBus } from '../bus/memory/memory-bus.js';
import { createChannel } from '../connector/channels.js';
import { defineConnector } from '../connector/define.js';
import { NotFoundError } from '../errors.js';
import { freshDatabase } from '../../test/support/services.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import { AttachmentStore, cleanFileName, UnsupportedFileError } from './store.js';

const plain = defineConnector({
  type: 'plain',
  displayName: 'Plain',
  capabilities: { receive: ['text'], send: ['text'] },
  config: z.object({}),
  normalize: () => [],
  send: async () => 'x',
});

// The smallest valid PNG: 1×1, one transparent pixel.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('attachment store', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let store: AttachmentStore;
  let tenantA: string;
  let tenantB: string;
  let channelA: string;
  beforeAll(async () => {
    database = await freshDatabase();
    const deps = testDeps(database.db, new MemoryBus(), [plain]);
    tenantA = await seedTenant(database.db);
    tenantB = await seedTenant(database.db);
    channelA = (await createChannel(deps, tenantA, { type: 'plain', name: 'A' })).channel.id;
    store = new AttachmentStore(database.db, mkdtempSync(join(tmpdir(), 'sb-att-')));
  });
  afterAll(() => database.drop());

  it('keeps the bytes under the real type sniffed from them, whatever the sender declared', async () => {
    const stored = await store.put(tenantA, channelA, { owner: 'cust-1', name: 'photo.txt', bytes: PNG, declaredType: 'text/plain' });
    expect(stored.mimeType).toBe('image/png');
    const { file, bytes } = await store.read(tenantA, stored.id);
    expect(bytes.equals(PNG)).toBe(true);
    expect(file).toMatchObject({ name: 'photo.txt', size: PNG.length, owner: 'cust-1', channelId: channelA });
  });

  it('uses the declared type only when the bytes say nothing, and cleans file names', async () => {
    const stored = await store.put(tenantA, channelA, {
      owner: 'c',
      name: '../../etc/报价单 <v2>.csv',
      bytes: Buffer.from('a,b\n1,2\n'),
      declaredType: 'text/csv; charset=utf-8',
    });
    expect(stored.mimeType).toBe('text/csv');
    expect(stored.name).toBe('报价单 _v2_.csv');
    const odd = await store.put(tenantA, channelA, { owner: 'c', name: 'x', bytes: Buffer.from('hi'), declaredType: 'not a type' });
    expect(odd.mimeType).toBe('application/octet-stream');
    expect(cleanFileName('', 'png')).toBe('file.png');
    // What the sender named it, as decoded: fullwidth brackets, CJK punctuation, emoji.
    expect(cleanFileName('合同（草案）【第2版】·😀 & co.pdf')).toBe('合同（草案）【第2版】·😀 & co.pdf');
    // A right-to-left override would show "invoice‮fdp.exe" as "invoiceexe.pdf".
    expect(cleanFileName('invoice\u202efdp.exe')).toBe('invoice_fdp.exe');
    expect(cleanFileName('a\nb\u0000c.txt')).toBe('a_b_c.txt');
  });

  it('refuses empty, oversized and disallowed files with a clear error', async () => {
    await expect(store.put(tenantA, channelA, { owner: 'c', name: 'e', bytes: Buffer.alloc(0) })).rejects.toThrow(/empty/);
    await expect(store.put(tenantA, channelA, { owner: 'c', name: 'big', bytes: Buffer.alloc(11), maxBytes: 10 })).rejects.toThrow(UnsupportedFileError);
    await expect(
      store.put(tenantA, channelA, { owner: 'c', name: 'a.txt', bytes: Buffer.from('hello'), declaredType: 'text/plain', allowedTypes: ['image/png'] }),
    ).rejects.toThrow(/not accepted \(text\/plain\)/);
  });

  it('never hands one tenant a file of another', async () => {
    const stored = await store.put(tenantA, channelA, { owner: 'c', name: 'p.png', bytes: PNG });
    await expect(store.read(tenantB, stored.id)).rejects.toThrow(NotFoundError);
    await expect(store.info(tenantA, 'not-a-uuid')).rejects.toThrow(NotFoundError);
  });

  it('keeps a file put again under the same provider key once, also when two puts race', async () => {
    const first = await store.put(tenantA, channelA, { owner: 'c', name: 'scan.png', bytes: PNG, key: '<mail-1@example.cn>#1' });
    const again = await store.put(tenantA, channelA, { owner: 'c', name: 'scan.png', bytes: PNG, key: '<mail-1@example.cn>#1' });
    expect(again.id).toBe(first.id);
    const raced = await Promise.all([1, 2, 3].map(() => store.put(tenantA, channelA, { owner: 'c', name: 'r.png', bytes: PNG, key: 'race#1' })));
    expect(new Set(raced.map((f) => f.id)).size).toBe(1);
    const rows = await database.db
      .selectFrom('attachments')
      .select('id')
      .where('channel_id', '=', channelA)
      .where('source_key', 'in', ['<mail-1@example.cn>#1', 'race#1'])
      .execute();
    expect(rows).toHaveLength(2);
    // Another key, or none, is another file.
    expect((await store.put(tenantA, channelA, { owner: 'c', name: 'scan.png', bytes: PNG, key: '<mail-1@example.cn>#2' })).id).not.toBe(first.id);
    expect((await store.put(tenantA, channelA, { owner: 'c', name: 'scan.png', bytes: PNG })).id).not.toBe(first.id);
  });
});
