import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacHex } from '../../core/connector/signatures.js';
import { openHarness, type Harness } from '../../core/connector/testkit/index.js';
import { updateChannel } from '../../core/connector/channels.js';
import { realServices } from '../../test/support/connectors.js';
import web from './connector.js';

const IDENTITY_SECRET = 'identity-secret-0123456789abcdef';
const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

describe('web chat endpoints', () => {
  let harness: Harness;
  const base = () => `/widget/${harness.channel.publicKey}`;
  const post = (path: string, body: unknown, token?: string) =>
    harness.request(`${base()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const session = async (body: unknown = {}) =>
    (await (await post('/session', body)).json()) as { token: string; visitor: { id: string; identified: boolean } };
  const upload = (token: string, name: string, bytes: Uint8Array<ArrayBuffer>) =>
    harness.request(`${base()}/uploads?name=${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: bytes });

  beforeAll(async () => {
    harness = await openHarness(web, { identitySecret: IDENTITY_SECRET, maxUploadBytes: 2048, preChatFields: [{ name: 'name', label: 'Name' }] }, realServices);
  });
  afterAll(() => harness.close());

  it('serves the public settings without secrets, and refuses an unknown key', async () => {
    const response = await harness.request(`${base()}/config`);
    const settings = await response.json();
    expect(settings).toMatchObject({
      title: 'Chat with us',
      identityMode: 'optional',
      preChatFields: [{ name: 'name', label: 'Name', type: 'text', required: false }],
      online: false,
    });
    expect(JSON.stringify(settings)).not.toContain(IDENTITY_SECRET);
    expect((await harness.request('/widget/pk_unknown/config')).status).toBe(404);
  });

  it('issues an opaque visitor token and resumes the same visitor with it', async () => {
    const first = await session();
    expect(first.token).toMatch(/^vt_/);
    expect(first.visitor.id).toMatch(/^v:/);
    const again = await session({ token: first.token, profile: { name: 'Mei' } });
    expect(again.visitor.id).toBe(first.visitor.id);
    const stored = await harness.deps.db.selectFrom('widget_visitors').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(first.token);
  });

  it('recognises a visitor across devices by a valid identity HMAC and rejects a bad one', async () => {
    const identity = { userId: 'user-9', email: 'nine@example.com', hash: hmacHex(IDENTITY_SECRET, 'user-9') };
    const laptop = await session({ identity });
    const phone = await session({ identity });
    expect(laptop.visitor).toMatchObject({ id: 'u:user-9', identified: true });
    expect(phone.visitor.id).toBe('u:user-9');
    expect(phone.token).not.toBe(laptop.token);
    expect((await post('/session', { identity: { ...identity, hash: hmacHex('another-secret-0123456789', 'user-9') } })).status).toBe(403);
    expect((await post('/session', { identity: { ...identity, userId: 'user-10' } })).status).toBe(403);
  });

  it('in mandatory mode refuses anonymous visitors', async () => {
    await updateChannel(harness.deps, harness.tenantId, harness.channel.id, { config: { identityMode: 'mandatory' } });
    try {
      expect((await post('/session', {})).status).toBe(401);
      expect((await post('/session', { identity: { userId: 'u1', hash: hmacHex(IDENTITY_SECRET, 'u1') } })).status).toBe(200);
    } finally {
      await updateChannel(harness.deps, harness.tenantId, harness.channel.id, { config: { identityMode: 'optional' } });
    }
  });

  it('takes uploads by their real type only, within the size limit, and shows them to their owner only', async () => {
    const { token } = await session();
    const stranger = await session();
    const stored = await upload(token, 'pixel.png', fixture('pixel.png'));
    expect(stored.status).toBe(201);
    const file = (await stored.json()) as { id: string; mimeType: string; size: number };
    expect(file).toMatchObject({ mimeType: 'image/png', size: fixture('pixel.png').length });
    // HTML named .png is refused: the bytes decide, not the name.
    expect((await upload(token, 'not-an-image.png', fixture('not-an-image.png'))).status).toBe(415);
    expect((await upload(token, 'big.png', new Uint8Array(4096))).status).toBe(413);
    const own = await harness.request(`${base()}/attachments/${file.id}?token=${token}`);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect(own.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await harness.request(`${base()}/attachments/${file.id}?token=${stranger.token}`)).status).toBe(404);
    // Another visitor cannot send someone else's upload either.
    expect((await post('/messages', { clientMessageId: 'stolen-file-1', attachmentIds: [file.id] }, stranger.token)).status).toBe(400);
  });

  it('answers 401 without a visitor token, and 400 for an empty message', async () => {
    const { token } = await session();
    expect((await post('/messages', { clientMessageId: 'no-token-01', text: 'hi' })).status).toBe(401);
    expect((await post('/messages', { clientMessageId: 'empty-0001' }, token)).status).toBe(400);
    expect((await post('/typing', { on: true }, token)).status).toBe(204);
    expect((await harness.request(`${base()}/history?token=${token}`)).status).toBe(200);
  });

  it("tells the router the visitor's browser, from the User-Agent the browser sends, so a nameless visitor reads as one", async () => {
    const { token, visitor } = await session();
    const chrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const response = await harness.request(`${base()}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'user-agent': chrome },
      body: JSON.stringify({ clientMessageId: 'browser-0001', text: 'hello' }),
    });
    expect(response.status).toBe(202);
    const sent = harness.published.find((e) => e.message.sender.externalId === visitor.id);
    expect(sent?.message.sender.attributes).toMatchObject({ browser: 'Chrome' });
  });

  it("asks the pre-chat questions in the CRM's terms, refuses a wrong answer by its field, and stores typed answers", async () => {
    const db = harness.deps.db;
    await db
      .insertInto('custom_fields')
      .values({ tenant_id: harness.tenantId, key: 'plan', label: 'Plan', type: 'select', options: ['basic', 'pro'] })
      .execute();
    await updateChannel(harness.deps, harness.tenantId, harness.channel.id, {
      config: {
        locale: 'zh-TW',
        texts: { 'zh-CN': { greeting: '您好' } },
        preChatMode: 'required',
        preChatFields: [{ name: 'email', type: 'email', required: true }, { name: 'plan' }, { name: 'gone' }],
      },
    });
    try {
      const settings = await (await harness.request(`${base()}/config`)).json();
      expect(settings).toMatchObject({
        locale: 'zh-TW',
        texts: { 'zh-CN': { greeting: '您好' } },
        preChatMode: 'required',
        // A question whose custom field no longer exists is not asked.
        preChatFields: [
          { name: 'email', label: null, type: 'email', required: true },
          { name: 'plan', label: 'Plan', type: 'select', options: ['basic', 'pro'], required: false },
        ],
        open: true,
      });
      const wrong = await post('/session', { profile: { email: 'not-an-address', plan: 'gold' } });
      expect(wrong.status).toBe(400);
      expect(((await wrong.json()) as { issues: { field: string }[] }).issues.map((i) => i.field).sort()).toEqual(['profile.email', 'profile.plan']);
      expect((await post('/session', { profile: { favourite: 'blue' } })).status).toBe(400);
      const { token, visitor } = await session({ profile: { email: 'ana@example.com', plan: 'pro' } });
      expect((await post('/messages', { clientMessageId: 'prechat-0001', text: 'hi' }, token)).status).toBe(202);
      const sent = harness.published.find((e) => e.message.sender.externalId === visitor.id);
      expect(sent?.message.sender).toMatchObject({ email: 'ana@example.com', attributes: { plan: 'pro' } });
      expect(sent?.message.sender.attributes).not.toHaveProperty('email');
    } finally {
      await updateChannel(harness.deps, harness.tenantId, harness.channel.id, {
        config: { preChatFields: [{ name: 'name', label: 'Name' }], preChatMode: 'optional' },
      });
    }
  });

  it('stores "talk to a person" in the conversation as a handoff.requested event', async () => {
    const { token, visitor } = await session();
    expect((await post('/handoff', { clientMessageId: 'handoff-0001' }, token)).status).toBe(202);
    const sent = harness.published.find((e) => e.message.sender.externalId === visitor.id);
    expect(sent?.message.parts).toEqual([{ type: 'event', name: 'handoff.requested', data: { via: 'widget' } }]);
    expect((await post('/handoff', {}, token)).status).toBe(400);
  });

  it("says the chat is closed outside the default group's business hours", async () => {
    const db = harness.deps.db;
    const calendar = await db
      .insertInto('business_calendars')
      .values({ tenant_id: harness.tenantId, name: 'Never', time_zone: 'Asia/Shanghai', weekly_hours: JSON.stringify([[], [], [], [], [], [], []]) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const group = await db
      .insertInto('groups')
      .values({ tenant_id: harness.tenantId, name: 'Support', calendar_id: calendar.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('router_settings')
      .values({ tenant_id: harness.tenantId, default_group_id: group.id })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ default_group_id: group.id }))
      .execute();
    try {
      expect(await (await harness.request(`${base()}/config`)).json()).toMatchObject({ open: false });
      await db
        .updateTable('business_calendars')
        .set({ weekly_hours: JSON.stringify(Array.from({ length: 7 }, () => [['00:00', '24:00']])) })
        .where('id', '=', calendar.id)
        .execute();
      expect(await (await harness.request(`${base()}/config`)).json()).toMatchObject({ open: true });
    } finally {
      await db.updateTable('router_settings').set({ default_group_id: null }).where('tenant_id', '=', harness.tenantId).execute();
    }
  });
});
