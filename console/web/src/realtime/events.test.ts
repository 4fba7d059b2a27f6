import { describe, expect, it } from 'vitest';
import { parseServerFrame, reconnectDelay } from './events.js';

const frame = (value: unknown) => JSON.stringify(value);

describe('parseServerFrame', () => {
  it('reads events the app knows, and the ready and heartbeat frames', () => {
    const event = { id: 'outbox-1', tenantId: 't', kind: 'agent.status', payload: { userId: 'u1', status: 'busy' }, at: '2026-11-25T10:00:00Z' };
    expect(parseServerFrame(frame({ type: 'event', event }))).toEqual({ type: 'event', event: { kind: 'agent.status', payload: { userId: 'u1', status: 'busy' } } });
    expect(parseServerFrame(frame({ type: 'ready', userId: 'u1', heartbeatMs: 10000 }))).toEqual({ type: 'ready', userId: 'u1', heartbeatMs: 10000 });
    expect(parseServerFrame(frame({ type: 'heartbeat' }))).toEqual({ type: 'heartbeat' });
    expect(parseServerFrame(frame({ type: 'error', message: 'unknown message' }))).toEqual({ type: 'error', message: 'unknown message' });
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
