import type { ConversationSnapshot, EventKind, EventPayloads } from '../api/domain.js';

/** One event from the agents' feed. */
export type FeedEvent = { [K in EventKind]: { kind: K; payload: EventPayloads[K] } }[EventKind];

// A record, so a kind added to the server's events is a compile error here until it is handled.
const known: Record<EventKind, true> = {
  'message.created': true,
  'message.updated': true,
  'conversation.created': true,
  'conversation.queued': true,
  'conversation.assigned': true,
  'conversation.transferred': true,
  'conversation.resolved': true,
  'conversation.reopened': true,
  'conversation.read': true,
  'queue.position': true,
  'agent.status': true,
  'agent.capacity': true,
  'call.ringing': true,
  'callback.due': true,
  'call.ended': true,
  'csat.answered': true,
  'channel.health': true,
  typing: true,
  'contact.updated': true,
  'contact.created': true,
  'contact.merged': true,
  'webhook.disabled': true,
};
const kinds: ReadonlySet<string> = new Set(Object.keys(known));

/** The conversation an event is about, if it is about one. */
export function conversationOf(event: FeedEvent): ConversationSnapshot | undefined {
  return 'conversation' in event.payload ? event.payload.conversation : undefined;
}

/** What the server sends on the feed. */
export type ServerFrame =
  | { type: 'ready'; userId: string; heartbeatMs: number }
  | { type: 'event'; event: FeedEvent }
  | { type: 'events'; events: FeedEvent[] }
  | { type: 'heartbeat' }
  | { type: 'error'; message: string };

/**
 * Reads one frame of the feed: `{type:"event", event:{kind, payload, …}}`, several events at once
 * (`{type:"events", events:[…]}`, on a feed opened with `?batch=1`), `ready`, `heartbeat` or
 * `error`. Events of kinds this version does not know, and anything malformed, are undefined (in
 * an `events` frame, left out).
 */
export function parseServerFrame(data: unknown): ServerFrame | undefined {
  if (typeof data !== 'string') return undefined;
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!frame || typeof frame !== 'object') return undefined;
  const record = frame as Record<string, unknown>;
  switch (record.type) {
    case 'ready':
      return typeof record.userId === 'string' && typeof record.heartbeatMs === 'number' && record.heartbeatMs > 0
        ? { type: 'ready', userId: record.userId, heartbeatMs: record.heartbeatMs }
        : undefined;
    case 'heartbeat':
      return { type: 'heartbeat' };
    case 'error':
      return { type: 'error', message: typeof record.message === 'string' ? record.message : '' };
    case 'event': {
      const event = readEvent(record.event);
      return event ? { type: 'event', event } : undefined;
    }
    case 'events': {
      if (!Array.isArray(record.events)) return undefined;
      const events = record.events.map(readEvent).filter((e): e is FeedEvent => e !== undefined);
      return { type: 'events', events };
    }
    default:
      return undefined;
  }
}

function readEvent(value: unknown): FeedEvent | undefined {
  const event = value as { kind?: unknown; payload?: unknown } | null;
  if (!event || typeof event !== 'object') return undefined;
  const { kind, payload } = event;
  if (typeof kind !== 'string' || !kinds.has(kind) || !payload || typeof payload !== 'object') return undefined;
  return { kind, payload } as FeedEvent;
}

/** The server closes with this code when the session behind the socket has ended. */
export const CLOSE_SIGNED_OUT = 4401;

/** Waits before the n-th reconnection attempt: 0.5 s doubling to 15 s, with jitter so a restart does not bring every agent back at once. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(15_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
