import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { declareInboundShards, type Bus } from '../bus/index.js';
import type { InboundEnvelope } from '../domain/messages.js';
import { ForbiddenError } from '../errors.js';
import { busFactories, deleteQueues, eventually, freshDatabase } from '../../test/support/services.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import { createChannel, setChannelEnabled, updateChannel } from './channels.js';
import { defineConnector } from './define.js';
import { createHooksApp } from './gateway.js';

const calls = { handled: 0 };
const echo = defineConnector({
  type: 'echo',
  displayName: 'Echo',
  capabilities: { receive: ['text'], send: ['text'] },
  config: z.object({ token: z.string() }),
  inbound: {
    kind: 'http',
    routes: [
      {
        method: 'POST',
        path: '/in',
        maxBodyBytes: 1000,
        verify: (request, ctx) => {
          if (request.headers['x-token'] !== ctx.config.token) throw new ForbiddenError('bad token');
        },
        handle: (request) => {
          calls.handled++;
          return { payloads: [JSON.parse(request.body.toString())] };
        },
      },
      { method: 'GET', path: '/', verify: () => {}, handle: (request) => ({ response: { status: 200, body: request.query.echo ?? '' } }) },
    ],
  },
  normalize: (payload) => {
    const p = z.object({ id: z.string(), from: z.string(), text: z.string() }).parse(payload);
    return { externalId: p.id, sender: { externalId: p.from }, parts: [{ type: 'text', text: p.text }] };
  },
  send: async () => 'x',
});

for (const factory of busFactories) {
  describe.skipIf(!factory.available)(`webhook gateway on the ${factory.name} bus`, () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let bus: Bus;
    let app: Hono;
    let channelId: string;
    let queues: string[];
    const seen: InboundEnvelope[] = [];
    beforeAll(async () => {
      database = await freshDatabase();
      bus = await factory.open();
      const deps = testDeps(database.db, bus, [echo]);
      queues = await declareInboundShards(bus, 2, deps.config.retry);
      for (const q of queues) await bus.consume(q, async (d) => void seen.push(d.json()), { prefetch: 10 });
      const tenantId = await seedTenant(database.db);
      channelId = (await createChannel(deps, tenantId, { type: 'echo', name: 'E', config: { token: 'right' } })).channel.id;
      // A long cache: what a change must show at once is read from the cache, not the database.
      app = createHooksApp(deps, { channelCacheMs: 60_000 });
    });
    afterAll(async () => {
      await bus.close();
      await deleteQueues(queues);
      await database.drop();
    });

    const post = (body: string, token = 'right', path = '/in') =>
      app.request(`/hooks/${channelId}${path}`, { method: 'POST', headers: { 'x-token': token, 'content-type': 'application/json' }, body });

    it('answers 2xx only once the message is on its shard', async () => {
      const response = await post(JSON.stringify({ id: 'm1', from: 'alice', text: 'hello' }));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ accepted: ['m1'] });
      const envelope = await eventually(() => seen.find((e) => e.message.externalId === 'm1'));
      expect(envelope).toMatchObject({
        version: 1,
        channelId,
        channelType: 'echo',
        message: { sender: { externalId: 'alice' }, parts: [{ type: 'text', text: 'hello' }] },
      });
    });

    it('checks the signature before the body is parsed', async () => {
      const before = calls.handled;
      const response = await post('{not json at all', 'wrong');
      expect(response.status).toBe(403);
      expect(calls.handled).toBe(before);
    });

    it('answers 400 to a malformed payload and 413 to an oversized one, publishing nothing', async () => {
      const before = seen.length;
      expect((await post(JSON.stringify({ id: 'm2' }))).status).toBe(400);
      expect((await post(JSON.stringify({ id: 'm3', from: 'a', text: 'x'.repeat(2000) }))).status).toBe(413);
      await new Promise((r) => setTimeout(r, 100));
      expect(seen.length).toBe(before);
    });

    it('answers 404 for an unknown or disabled channel or route and 405 for a wrong method', async () => {
      expect((await app.request('/hooks/not-a-uuid/in', { method: 'POST' })).status).toBe(404);
      expect((await app.request('/hooks/00000000-0000-4000-8000-000000000000/in', { method: 'POST' })).status).toBe(404);
      expect((await post('{}', 'right', '/elsewhere')).status).toBe(404);
      expect((await app.request(`/hooks/${channelId}/in`, { method: 'GET' })).status).toBe(405);
      expect(await (await app.request(`/hooks/${channelId}?echo=ping`)).text()).toBe('ping');
    });

    it('answers 503 when the broker cannot take the message, so the provider sends again', async () => {
      const closed = await factory.open();
      await closed.close();
      const deps = testDeps(database.db, closed, [echo]);
      const response = await createHooksApp(deps).request(`/hooks/${channelId}/in`, {
        method: 'POST',
        headers: { 'x-token': 'right' },
        body: JSON.stringify({ id: 'm4', from: 'a', text: 'x' }),
      });
      expect(response.status).toBe(503);
    });

    it('stops answering for a channel once it is disabled', async () => {
      const deps = testDeps(database.db, bus, [echo]);
      const tenantId = (await database.db.selectFrom('channels').select('tenant_id').where('id', '=', channelId).executeTakeFirstOrThrow()).tenant_id;
      await setChannelEnabled(deps, tenantId, channelId, false);
      expect((await post(JSON.stringify({ id: 'm5', from: 'a', text: 'x' }))).status).toBe(404);
      await setChannelEnabled(deps, tenantId, channelId, true);
      expect((await post(JSON.stringify({ id: 'm6', from: 'a', text: 'x' }))).status).toBe(200);
    });

    it('checks a changed secret from the next request on, though the channel is cached', async () => {
      const deps = testDeps(database.db, bus, [echo]);
      const tenantId = (await database.db.selectFrom('channels').select('tenant_id').where('id', '=', channelId).executeTakeFirstOrThrow()).tenant_id;
      expect((await post(JSON.stringify({ id: 'm7', from: 'a', text: 'x' }))).status).toBe(200);
      await updateChannel(deps, tenantId, channelId, { config: { token: 'rotated' } });
      expect((await post(JSON.stringify({ id: 'm8', from: 'a', text: 'x' }))).status).toBe(403);
      expect((await post(JSON.stringify({ id: 'm9', from: 'a', text: 'x' }), 'rotated')).status).toBe(200);
      await updateChannel(deps, tenantId, channelId, { config: { token: 'right' } });
    });
  });
}
