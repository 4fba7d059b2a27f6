import type { EventKind, EventPayloads } from '../api/domain.js';

/** One event from the agents' feed. */
export type FeedEvent = { [K in EventKind]: { kind: K; payload: EventPayloads[K] } }[EventKind];

const kinds: ReadonlySet<string> = new Set<EventKind>([
  'message.created',
  'message.updated',
  'conversation.created',
  'conversation.queued',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.resolved',
  'conversation.reopened',
  'queue.position',
  'agent.status',
  'typing',
]);

/** Reads one frame of the feed; anything else (pings, kinds this version does not know) is undefined. */
export function parseFeedFrame(data: unknown): FeedEvent | undefined {
  if (typeof data !== 'string') return undefined;
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!frame || typeof frame !== 'object') return undefined;
  const { kind, payload } = frame as { kind?: unknown; payload?: unknown };
  if (typeof kind !== 'string' || !kinds.has(kind) || !payload || typeof payload !== 'object') return undefined;
  return { kind, payload } as FeedEvent;
}

/** Waits before the n-th reconnection attempt: 0.5 s doubling to 15 s, with jitter so a restart does not bring every agent back at once. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(15_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
