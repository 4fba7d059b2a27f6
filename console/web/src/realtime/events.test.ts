import { describe, expect, it } from 'vitest';
import { parseFeedFrame, reconnectDelay } from './events.js';

describe('parseFeedFrame', () => {
  it('reads known events', () => {
    const frame = JSON.stringify({ kind: 'agent.status', payload: { userId: 'u1', status: 'busy' } });
    expect(parseFeedFrame(frame)).toEqual({ kind: 'agent.status', payload: { userId: 'u1', status: 'busy' } });
  });
  it('ignores pings, unknown kinds and garbage', () => {
    for (const frame of ['ping', '{"kind":"ping"}', '{"kind":"secret.leak","payload":{}}', '{"kind":"typing"}', '[]', 'null', 42]) {
      expect(parseFeedFrame(frame)).toBeUndefined();
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
