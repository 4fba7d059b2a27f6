import { describe, expect, it } from 'vitest';
import { conversationOf, parseServerFrame, reconnectDelay } from './events.js';

const frame = (value: unknown) => JSON.stringify(value);

describe('parseServerFrame', () => {
  it('reads events the app knows, and the ready and heartbeat frames', () => {
    const event = { id: 'outbox-1', tenantId: 't', kind: 'agent.status', payload: { userId: 'u1', status: 'busy' }, at: '2026-11-25T10:00:00Z' };
    expect(parseServerFrame(frame({ type: 'event', event }))).toEqual({
      type: 'event',
      event: { kind: 'agent.status', payload: { userId: 'u1', status: 'busy' } },
    });
    expect(parseServerFrame(frame({ type: 'ready', userId: 'u1', heartbeatMs: 10000 }))).toEqual({ type: 'ready', userId: 'u1', heartbeatMs: 10000 });
    expect(parseServerFrame(frame({ type: 'heartbeat' }))).toEqual({ type: 'heartbeat' });
    expect(parseServerFrame(frame({ type: 'error', message: 'unknown message' }))).toEqual({ type: 'error', message: 'unknown message' });
  });
  it('reads several events at once, leaving out those of kinds it does not know', () => {
    const status = { id: 'outbox-1', tenantId: 't', kind: 'agent.status', payload: { userId: 'u1', status: 'busy' }, at: '2026-11-25T10:00:00Z' };
    const capacity = { id: 'outbox-2', tenantId: 't', kind: 'agent.capacity', payload: { userId: 'u1', capacity: { chat: 3 } }, at: '2026-11-25T10:00:01Z' };
    expect(parseServerFrame(frame({ type: 'events', events: [status, { kind: 'secret.leak', payload: {} }, null, capacity] }))).toEqual({
      type: 'events',
      events: [
        { kind: 'agent.status', payload: { userId: 'u1', status: 'busy' } },
        { kind: 'agent.capacity', payload: { userId: 'u1', capacity: { chat: 3 } } },
      ],
    });
    expect(parseServerFrame(frame({ type: 'events', events: 'nope' }))).toBeUndefined();
  });
  it('ignores unknown kinds, malformed frames and garbage', () => {
    for (const data of [
      'ping',
      frame({ type: 'event', event: { kind: 'secret.leak', payload: {} } }),
      frame({ type: 'event', event: { kind: 'typing' } }),
      frame({ type: 'event' }),
      frame({ type: 'ready', userId: 'u1', heartbeatMs: 0 }),
      frame({ kind: 'typing', payload: {} }),
      '[]',
      'null',
      42,
    ]) {
      expect(parseServerFrame(data)).toBeUndefined();
    }
  });
});

describe('reconnectDelay', () => {
  it('backs off from half a second up to fifteen, with jitter', () => {
    expect(reconnectDelay(0, () => 0)).toBe(250);
    expect(reconnectDelay(0, () => 1)).toBe(500);
    expect(reconnectDelay(3, () => 1)).toBe(4000);
    expect(reconnectDelay(20, () => 1)).toBe(15_000);
  });
});

describe('conversationOf', () => {
  it('finds the conversation an event is about, and none for agent events', () => {
    const conversation = { id: 'c1', channelId: 'ch', contactId: 'k', status: 'queued' as const, groupId: null, assigneeId: null, priority: 0 };
    expect(conversationOf({ kind: 'conversation.queued', payload: { conversation, position: 2 } })).toBe(conversation);
    expect(conversationOf({ kind: 'agent.capacity', payload: { userId: 'u1', capacity: { chat: 3 } } })).toBeUndefined();
    expect(conversationOf({ kind: 'agent.status', payload: { userId: 'u1', status: 'away' } })).toBeUndefined();
  });
  it('reads the capacity event the router sends', () => {
    const event = { id: 'outbox-2', tenantId: 't', kind: 'agent.capacity', payload: { userId: 'u1', capacity: { chat: 3 } }, at: '2026-11-25T10:00:00Z' };
    expect(parseServerFrame(JSON.stringify({ type: 'event', event }))).toMatchObject({ type: 'event', event: { kind: 'agent.capacity' } });
  });
});
