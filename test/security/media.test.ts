import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentStore } from '../../core/attachments/store.js';
import { createChannel } from '../../core/connector/channels.js';
import type { ContentPart } from '../../core/domain/messages.js';
import { connectorDeps } from '../../app/gateway.js';
import { RED_PNG, startMediaHost, type MediaHost } from '../fakes/media-host.js';
import { signUpCompany, startSwitchboard, type TestServer } from '../support/browser.js';
import { eventually } from '../support/services.js';

/**
 * Item 8 of the hardening: a customer's media given by address is fetched by the server, through
 * the guarded client, into the store; agents' browsers never reach the customer's host. The
 * customer's host is a fake on loopback, reachable only by the name `localhost` (OUTBOUND_ALLOW),
 * so the same host written as 127.0.0.1 stands for an address the server must refuse.
 */
describe('customer media never reveal agents', () => {
  let server: TestServer;
  let host: MediaHost;
  let tenantId: string;
  let post: (body: unknown) => Promise<Response>;
  let channelId: string;

  beforeAll(async () => {
    host = await startMediaHost();
    server = await startSwitchboard({ OUTBOUND_ALLOW: 'localhost', BUS_RETRY_BASE_MS: '100', BUS_RETRY_ATTEMPTS: '2' });
    ({ tenantId } = await signUpCompany(server, { companyName: 'Media Shop', slug: 'media-shop' }));
    const { channel, apiKey } = await createChannel(await connectorDeps(server.process.ctx), tenantId, {
      type: 'app-api',
      name: 'Shop app',
      config: { webhookSecret: 'webhook-signing-secret-4567' },
    });
    channelId = channel.id;
    post = (body) =>
      fetch(`${server.url}/hooks/${channel.id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(body),
      });
  });
  afterAll(async () => {
    await server?.stop();
    await host?.close();
  });

  const partsOf = async (externalId: string) => {
    const row = await server.process.ctx.database.db
      .selectFrom('messages')
      .select(['id', 'content'])
      .where('channel_id', '=', channelId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return row && { id: row.id, parts: row.content as ContentPart[] };
  };

  it('copies an image from the customer’s host into the store, after answering, and the message then names the copy', async () => {
    const local = `http://localhost:${host.port}`;
    const answer = await post({
      clientMessageId: 'photo-1',
      user: { id: 'cust-1', name: 'Li Lei' },
      text: 'Here is the parcel',
      attachments: [
        { type: 'image', url: `${local}/photo.png`, name: 'parcel.png' },
        { type: 'image', url: `${local}/held.png` },
      ],
    });
    // A host that does not answer holds up neither the 202 nor the message: it is stored, and
    // shown, while the server still waits for the file.
    expect(answer.status).toBe(202);
    const waiting = await eventually(async () => {
      const message = await partsOf('photo-1');
      return message && host.requests.some((r) => r.path === '/held.png') ? message : undefined;
    });
    expect(waiting!.parts[2]).toEqual({ type: 'image', url: `${local}/held.png` });
    host.release();

    const settled = (await eventually(async () => {
      const message = await partsOf('photo-1');
      return message?.parts.slice(1).every((p) => 'attachmentId' in p && p.attachmentId) ? message : undefined;
    }))!;
    const [, photo, held] = settled.parts as Extract<ContentPart, { type: 'image' | 'audio' | 'video' | 'file' }>[];
    expect(photo).toMatchObject({ type: 'image', name: 'parcel.png', mimeType: 'image/png', size: RED_PNG.length });
    // The address is gone from the part: nothing can load it by mistake.
    expect(photo!.url).toBeUndefined();
    expect(held).toMatchObject({ type: 'image', name: 'held.png', mimeType: 'image/png' });
    const store = new AttachmentStore(server.process.ctx.database.db, server.process.ctx.config.dataDir);
    const copy = await store.read(tenantId, photo!.attachmentId!);
    expect(copy.bytes.equals(RED_PNG)).toBe(true);
    expect(copy.file.owner).toBe('cust-1');

    // The host was asked once for each, by the server: no browser's user agent, no referrer.
    const asked = host.requests.filter((r) => r.path === '/photo.png' || r.path === '/held.png');
    expect(asked.map((r) => r.path).sort()).toEqual(['/held.png', '/photo.png']);
    for (const request of asked) {
      expect(request.headers['user-agent'] ?? '').not.toMatch(/Mozilla|Chrome/);
      expect(request.headers.referer).toBeUndefined();
    }

    // The consoles hear of the new parts.
    const updates = await server.process.ctx.database.db.selectFrom('outbox').select('payload').where('kind', '=', 'message.updated').execute();
    const mine = updates.map((u) => u.payload as { messageId: string; parts?: ContentPart[] }).filter((p) => p.messageId === settled.id);
    expect(mine.at(-1)?.parts).toEqual(settled.parts);
  });

  it('never fetches a forbidden address, nor follows a redirect to one, and keeps such parts as links marked unfetched', async () => {
    const before = host.requests.length;
    const answer = await post({
      clientMessageId: 'photo-2',
      user: { id: 'cust-2' },
      attachments: [
        { type: 'image', url: 'http://169.254.169.254/latest/meta-data/iam.png' },
        { type: 'image', url: `http://127.0.0.1:${host.port}/photo.png` },
        { type: 'image', url: `http://localhost:${host.port}/to-metadata` },
        { type: 'image', url: `http://localhost:${host.port}/page.png` },
        { type: 'image', url: `http://localhost:${host.port}/missing.png` },
      ],
    });
    expect(answer.status).toBe(202);
    const settled = (await eventually(async () => {
      const message = await partsOf('photo-2');
      return message?.parts.every((p) => 'unfetched' in p && p.unfetched) ? message : undefined;
    }))!;
    expect(settled.parts.map((p) => ('unfetched' in p ? p.unfetched : undefined))).toEqual(['refused', 'refused', 'refused', 'failed', 'failed']);
    for (const part of settled.parts) expect(part).not.toHaveProperty('attachmentId');
    // The address stays for the agent to open by choice; the literal loopback one was never asked.
    expect((settled.parts[1] as { url: string }).url).toBe(`http://127.0.0.1:${host.port}/photo.png`);
    expect(
      host.requests
        .slice(before)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/missing.png', '/page.png', '/to-metadata']);
    const stored = await server.process.ctx.database.db
      .selectFrom('attachments')
      .select('id')
      .where('channel_id', '=', channelId)
      .where('source_key', 'like', `customer-media:${settled.id}:%`)
      .execute();
    expect(stored).toEqual([]);
  });

  it('lets the console page load images and media only from this server', async () => {
    const page = await fetch(`${server.url}/t/media-shop/`);
    expect(page.status).toBe(200);
    const policy = page.headers.get('content-security-policy') ?? '';
    const directive = (name: string) =>
      policy
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith(`${name} `));
    expect(directive('img-src')).toBe("img-src 'self' data: blob:");
    expect(directive('media-src')).toBe("media-src 'self' blob:");
    expect(policy).not.toMatch(/\bhttps?:/);
  });
});
