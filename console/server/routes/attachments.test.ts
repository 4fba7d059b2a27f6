import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentStore } from '../../../core/attachments/store.js';
import { startTestConsole, type TestConsole } from '../../../test/support/console.js';
import { buildCompany, type Company } from '../../../test/support/console-world.js';

// The smallest valid PNG (1×1, transparent).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('agents’ attachments: upload for a reply, download of what the agent may see', () => {
  let tc: TestConsole;
  let acme: Company;
  let globex: Company;
  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
    globex = await buildCompany(tc, 'globex');
  });
  afterAll(() => tc.stop());

  it('keeps an agent’s upload, sniffing its real type; only the uploader reads it before it is sent', async () => {
    const id = acme.conversations.ownOnlyAssigned.conversationId;
    const up = await acme.clients.ownOnly.upload(`/api/conversations/${id}/attachments?name=${encodeURIComponent('收据 receipt.png')}`, PNG, 'text/html');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({ name: '收据 receipt.png', mimeType: 'image/png', size: PNG.length });
    const mine = await acme.clients.ownOnly.download(`/api/attachments/${up.body.id}`);
    expect(mine.status).toBe(200);
    expect(mine.bytes.equals(PNG)).toBe(true);
    expect(mine.headers.get('content-type')).toBe('image/png');
    expect(mine.headers.get('content-disposition')).toBe(`inline; filename="__ receipt.png"; filename*=UTF-8''%E6%94%B6%E6%8D%AE%20receipt.png`);
    expect(mine.headers.get('x-content-type-options')).toBe('nosniff');
    // Not in any message yet: a colleague who sees the conversation cannot read it.
    expect((await acme.clients.salesAgent.download(`/api/attachments/${up.body.id}`)).status).toBe(404);
  });

  it('sends the file in a reply, described by the store; then whoever sees the conversation reads it, nobody else', async () => {
    const id = acme.conversations.ownOnlyAssigned.conversationId;
    const up = await acme.clients.ownOnly.upload(`/api/conversations/${id}/attachments?name=photo.png`, PNG, 'image/png');
    const reply = await acme.clients.ownOnly.post(`/api/conversations/${id}/messages`, {
      clientId: 'with-file',
      text: 'Here is the photo',
      parts: [{ type: 'image', attachmentId: up.body.id, name: 'lies.exe', mimeType: 'application/x-msdownload', size: 1 }],
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body.message.parts[1]).toEqual({ type: 'image', attachmentId: up.body.id, name: 'photo.png', mimeType: 'image/png', size: PNG.length });
    expect((await acme.clients.salesAgent.download(`/api/attachments/${up.body.id}`)).status).toBe(200); // sees the sales group
    expect((await acme.clients.supportAgent.download(`/api/attachments/${up.body.id}`)).status).toBe(404);
    expect((await globex.clients.admin.download(`/api/attachments/${up.body.id}`)).status).toBe(404);
    expect((await acme.clients.admin.download('/api/attachments/not-an-id')).status).toBe(400);
  });

  it('lets agents download a customer’s file, never as something the browser would run', async () => {
    const conversationId = acme.conversations.supportAssigned.conversationId;
    const store = new AttachmentStore(tc.ctx.database.db, tc.ctx.config.dataDir);
    const file = await store.put(acme.tenantId, acme.channelId, {
      owner: 'visitor-9',
      name: 'page.html',
      bytes: Buffer.from('<script>alert(1)</script>'),
      declaredType: 'text/html',
    });
    await tc.ctx.database.db
      .insertInto('messages')
      .values({
        tenant_id: acme.tenantId,
        conversation_id: conversationId,
        channel_id: acme.channelId,
        direction: 'in',
        sender_type: 'contact',
        sender_id: null,
        external_id: 'file-1',
        client_id: null,
        content: JSON.stringify([{ type: 'file', attachmentId: file.id, name: 'page.html' }]),
        error: null,
      })
      .execute();
    const got = await acme.clients.supportAgent.download(`/api/attachments/${file.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="page.html"/);
    expect(got.headers.get('content-security-policy')).toContain('sandbox');
    expect(got.bytes.toString()).toBe('<script>alert(1)</script>');
    expect((await acme.clients.ownOnly.download(`/api/attachments/${file.id}`)).status).toBe(404);
    // Nor can an agent who does not see that conversation forward the file in a reply.
    const forwarded = await acme.clients.ownOnly.post(`/api/conversations/${acme.conversations.ownOnlyAssigned.conversationId}/messages`, {
      clientId: 'forward',
      parts: [{ type: 'file', attachmentId: file.id }],
    });
    expect(forwarded.status).toBe(400);
    expect(forwarded.body.issues[0].field).toBe('parts');
  });

  it('refuses uploads to conversations the agent cannot see, empty files, and other companies’ files in replies', async () => {
    expect(
      (await acme.clients.ownOnly.upload(`/api/conversations/${acme.conversations.supportAssigned.conversationId}/attachments?name=a.txt`, Buffer.from('hi')))
        .status,
    ).toBe(404);
    const empty = await acme.clients.ownOnly.upload(
      `/api/conversations/${acme.conversations.ownOnlyAssigned.conversationId}/attachments?name=a.txt`,
      Buffer.alloc(0),
    );
    expect(empty.status).toBe(400);
    expect(
      (await acme.clients.ownOnly.upload(`/api/conversations/${acme.conversations.ownOnlyAssigned.conversationId}/attachments`, Buffer.from('hi'))).body
        .issues[0].field,
    ).toBe('name');
    const theirs = await globex.clients.ownOnly.upload(
      `/api/conversations/${globex.conversations.ownOnlyAssigned.conversationId}/attachments?name=a.txt`,
      Buffer.from('hi'),
      'text/plain',
    );
    expect(theirs.status).toBe(201);
    const stolen = await acme.clients.ownOnly.post(`/api/conversations/${acme.conversations.ownOnlyAssigned.conversationId}/messages`, {
      clientId: 'stolen',
      parts: [{ type: 'file', attachmentId: theirs.body.id }],
    });
    expect(stolen.status).toBe(400);
    expect(
      (
        await acme.clients.supervisor.upload(
          `/api/conversations/${acme.conversations.ownOnlyAssigned.conversationId}/attachments?name=a.txt`,
          Buffer.from('hi'),
        )
      ).status,
    ).toBe(403);
  });
});
