import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../core/outbox/outbox.js';
import { eventually } from '../../../test/support/services.js';
import { FeedClient, startTestConsole, type TestConsole } from '../../../test/support/console.js';
import { buildCompany, type Company } from '../../../test/support/console-world.js';

/** The cost of the agents' feed per event, in frames and serializations rather than time. */
describe('real-time fan-out of a batch of events', () => {
  let tc: TestConsole;
  let url: string;
  let acme: Company;
  let globex: Company;
  const feeds: FeedClient[] = [];
  const open = async (client: { cookie?: string; slug?: string }, batch: boolean) => {
    const feed = await FeedClient.open(url, client, { batch });
    feeds.push(feed);
    return feed;
  };
  let seq = 0;
  const messageEvent = (company: Company, conversation: keyof Company['conversations'], groupId: string | null, assigneeId: string | null): EventEnvelope => ({
    id: `fan-out-${++seq}`,
    tenantId: company.tenantId,
    kind: 'message.created',
    payload: { conversation: { id: company.conversations[conversation].conversationId, groupId, assigneeId }, message: { id: `m-${seq}` } },
    at: new Date().toISOString(),
  });
  const statusEvent = (company: Company): EventEnvelope => ({
    id: `fan-out-${++seq}`,
    tenantId: company.tenantId,
    kind: 'agent.status',
    payload: { userId: company.users.admin, status: 'online' },
    at: new Date().toISOString(),
  });
  const frames = (feed: FeedClient) => feed.received.filter((m) => m.type === 'event' || m.type === 'events');
  const ids = (feed: FeedClient) => feed.events().map((e) => e.id);

  beforeAll(async () => {
    tc = await startTestConsole();
    url = await tc.listen();
    acme = await buildCompany(tc, 'acme');
    globex = await buildCompany(tc, 'globex');
  });
  afterEach(() => {
    for (const feed of feeds.splice(0)) feed.close();
  });
  afterAll(async () => {
    await tc.stop();
  });

  it('sends a batched feed its events of one batch in one frame, each event serialized once', async () => {
    const hub = tc.part.services.hub;
    const batched = [await open(acme.clients.admin, true), await open(acme.clients.supervisor, true)];
    const plain = await open(acme.clients.admin, false);
    const batch = Array.from({ length: 5 }, () => statusEvent(acme));
    const before = { ...hub.counts };
    hub.fanOut(batch);
    const expected = batch.map((e) => e.id);
    await eventually(() => [...batched, plain].every((feed) => ids(feed).length === 5));
    for (const feed of batched) {
      expect(frames(feed)).toHaveLength(1);
      expect(frames(feed)[0].type).toBe('events');
      expect(ids(feed)).toEqual(expected);
    }
    // A feed that did not ask for batches still gets one `event` frame per event.
    expect(frames(plain).map((f) => f.type)).toEqual(['event', 'event', 'event', 'event', 'event']);
    expect(ids(plain)).toEqual(expected);
    expect(hub.counts.serialized - before.serialized).toBe(5);
    expect(hub.counts.frames - before.frames).toBe(1 + 1 + 5);
    expect(hub.counts.deliveries - before.deliveries).toBe(15);
  });

  it('keeps each agent to the events they may see within a batch', async () => {
    const hub = tc.part.services.hub;
    const admin = await open(acme.clients.admin, true);
    const sales = await open(acme.clients.salesAgent, true);
    const support = await open(acme.clients.supportAgent, true);
    const ownOnly = await open(acme.clients.ownOnly, true);
    const other = await open(globex.clients.admin, true);
    const toSales = messageEvent(acme, 'salesQueued', acme.groups.sales, null);
    const toSupport = messageEvent(acme, 'supportAssigned', acme.groups.support, acme.users.supportAgent);
    const toOwnOnly = messageEvent(acme, 'ownOnlyAssigned', null, acme.users.ownOnly);
    const status = statusEvent(acme);
    const elsewhere = statusEvent(globex);
    hub.fanOut([toSales, toSupport, elsewhere, toOwnOnly, status, { ...statusEvent(acme), tenantId: '' }]);

    await eventually(() => ids(admin).length === 4 && ids(other).length === 1 && ids(ownOnly).length === 2);
    await eventually(() => ids(sales).length === 2 && ids(support).length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(ids(admin)).toEqual([toSales.id, toSupport.id, toOwnOnly.id, status.id]);
    expect(ids(sales)).toEqual([toSales.id, status.id]);
    expect(ids(support)).toEqual([toSupport.id, status.id]);
    expect(ids(ownOnly)).toEqual([toOwnOnly.id, status.id]);
    expect(ids(other)).toEqual([elsewhere.id]);
    // One event for a socket is the plain frame, which every client reads.
    expect(frames(other).map((f) => f.type)).toEqual(['event']);
  });

  it('delivers the events of the queue to a batched feed in order', async () => {
    const admin = await open(acme.clients.admin, true);
    const batch = Array.from({ length: 20 }, () => statusEvent(acme));
    for (const envelope of batch) await tc.ctx.bus.publish('events', `${acme.tenantId}.agent.status`, envelope, { messageId: envelope.id });
    await eventually(() => ids(admin).length === 20);
    expect(ids(admin)).toEqual(batch.map((e) => e.id));
  });

  it('passes over a message that is not an event without losing the others of its batch', async () => {
    const admin = await open(acme.clients.admin, true);
    const [first, second] = [statusEvent(acme), statusEvent(acme)];
    await Promise.all([
      tc.ctx.bus.publish('events', `${acme.tenantId}.agent.status`, first, { messageId: first.id }),
      tc.ctx.bus.publish('events', `${acme.tenantId}.agent.status`, Buffer.from('not json'), { messageId: 'garbage' }),
      tc.ctx.bus.publish('events', `${acme.tenantId}.agent.status`, second, { messageId: second.id }),
    ]);
    await eventually(() => ids(admin).length === 2);
    expect(ids(admin)).toEqual([first.id, second.id]);
  });

  it('measures frames, serializations and CPU per event for sockets of one company', async () => {
    const hub = tc.part.services.hub;
    const sockets = Number(process.env.FAN_OUT_SOCKETS ?? 10);
    const events = Number(process.env.FAN_OUT_EVENTS ?? 200);
    const batchSize = Number(process.env.FAN_OUT_BATCH ?? 20);
    // Rounds alternate which mode goes first, so warming up favours neither; CPU is the median.
    const rounds = Number(process.env.FAN_OUT_ROUNDS ?? 1);
    const cpuOf: Record<string, number[]> = { false: [], true: [] };
    for (let round = 0; round < rounds; round++) {
      for (const batched of round % 2 ? [true, false] : [false, true]) {
        const opened: FeedClient[] = [];
        for (let i = 0; i < sockets; i++) opened.push(await open(i % 2 ? acme.clients.admin : acme.clients.supervisor, batched));
        const before = { ...hub.counts };
        const cpu = process.cpuUsage();
        for (let sent = 0; sent < events; sent += batchSize) hub.fanOut(Array.from({ length: Math.min(batchSize, events - sent) }, () => statusEvent(acme)));
        await eventually(() => opened.every((feed) => feed.events().length === events), { timeoutMs: 20_000 });
        const used = process.cpuUsage(cpu);
        cpuOf[String(batched)]!.push((used.user + used.system) / events);
        const d = (k: keyof typeof before) => (hub.counts[k] - before[k]) / events;
        // Counts do not depend on the machine's load: these are the figures to quote.
        expect({ frames: d('frames'), serialized: d('serialized'), deliveries: d('deliveries') }).toEqual({
          frames: batched ? sockets / batchSize : sockets,
          serialized: 1,
          deliveries: sockets,
        });
        for (const feed of feeds.splice(0)) feed.close();
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(
      JSON.stringify({
        sockets,
        events,
        batchSize,
        rounds,
        framesPerEvent: { plain: sockets, batched: sockets / batchSize },
        cpuMicrosPerEvent: { plain: Math.round(median(cpuOf.false!)), batched: Math.round(median(cpuOf.true!)) },
      }),
    );
  });
});
