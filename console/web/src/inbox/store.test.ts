import { describe, expect, it } from 'vitest';
import type { MessageView } from '../api/domain.js';
import type { ConversationView } from '../api/types.js';
import { emptyInbox, inboxReducer, lastSeenStore } from './store.js';

const view = (id: string, lastMessageAt: string | null): ConversationView => ({
  id,
  status: 'assigned',
  kind: 'chat',
  channel: { id: 'ch', type: 'web', name: 'Web' },
  contact: { id: 'k', name: null },
  groupId: 'g1',
  assigneeId: 'u1',
  priority: 0,
  subject: null,
  createdAt: '2026-11-25T10:00:00.000Z',
  lastMessageAt,
  lastMessage: null,
  waitingSince: null,
});
const snapshot = (id: string, change: object = {}) => ({
  id,
  channelId: 'ch',
  contactId: 'k',
  status: 'assigned' as const,
  groupId: 'g1',
  assigneeId: 'u1',
  priority: 0,
  ...change,
});
const message = (conversationId: string, direction: 'in' | 'out', createdAt: string): MessageView => ({
  id: '1',
  conversationId,
  direction,
  senderType: direction === 'in' ? 'contact' : 'agent',
  senderId: null,
  private: false,
  parts: [{ type: 'text', text: 'hi' }],
  status: 'received',
  createdAt,
});

describe('inbox state', () => {
  it('marks loaded conversations unread when they moved since the agent last looked', () => {
    const state = inboxReducer(emptyInbox, {
      type: 'loaded',
      conversations: [view('a', '2026-11-25T10:05:00.000Z'), view('b', '2026-11-25T10:05:00.000Z'), view('c', null)],
      lastSeen: { a: '2026-11-25T10:06:00.000Z', b: '2026-11-25T10:01:00.000Z' },
    });
    expect(state.unread).toEqual({ a: 0, b: 1, c: 0 });
  });

  it('counts customer messages live, not the agents own, and not in the open conversation', () => {
    let state = inboxReducer(emptyInbox, { type: 'loaded', conversations: [view('a', null), view('b', null)], lastSeen: {} });
    state = inboxReducer(state, { type: 'opened', id: 'b' });
    state = inboxReducer(state, { type: 'message', snapshot: snapshot('a'), message: message('a', 'in', '2026-11-25T11:00:00.000Z') });
    state = inboxReducer(state, { type: 'message', snapshot: snapshot('a'), message: message('a', 'in', '2026-11-25T11:01:00.000Z') });
    state = inboxReducer(state, { type: 'message', snapshot: snapshot('a'), message: message('a', 'out', '2026-11-25T11:02:00.000Z') });
    state = inboxReducer(state, { type: 'message', snapshot: snapshot('b'), message: message('b', 'in', '2026-11-25T11:03:00.000Z') });
    expect(state.unread).toMatchObject({ a: 2, b: 0 });
    expect(state.conversations.a!.lastMessageAt).toBe('2026-11-25T11:02:00.000Z');
    state = inboxReducer(state, { type: 'opened', id: 'a' });
    expect(state.unread.a).toBe(0);
  });

  it('follows assignment and status changes of known conversations, and keeps unknown ones for fetching', () => {
    let state = inboxReducer(emptyInbox, { type: 'loaded', conversations: [view('a', null)], lastSeen: {} });
    state = inboxReducer(state, { type: 'snapshot', snapshot: snapshot('a', { status: 'resolved', assigneeId: null }) });
    expect(state.conversations.a).toMatchObject({ status: 'resolved', assigneeId: null });
    const same = inboxReducer(state, { type: 'snapshot', snapshot: snapshot('zz') });
    expect(same).toBe(state);
    state = inboxReducer(state, { type: 'message', snapshot: snapshot('new'), message: message('new', 'in', '2026-11-25T11:00:00.000Z') });
    expect(state.unread.new).toBe(1);
    expect(state.conversations.new).toBeUndefined();
  });
});

describe('lastSeenStore', () => {
  it('keeps the latest time per conversation and survives a broken store', () => {
    const data = new Map<string, string>();
    const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
    const seen = lastSeenStore('u1', storage);
    seen.mark('a', '2026-11-25T10:00:00.000Z');
    seen.mark('a', '2026-11-25T09:00:00.000Z');
    expect(seen.read()).toEqual({ a: '2026-11-25T10:00:00.000Z' });
    data.set('switchboard.seen.u1', '{not json');
    expect(seen.read()).toEqual({});
    expect(lastSeenStore('u1', undefined).read()).toEqual({});
  });

  it('keeps the list line live: a customer message starts the wait, a note changes nothing, a reply ends it', () => {
    let state = inboxReducer(emptyInbox, { type: 'loaded', conversations: [view('a', null)], lastSeen: {} });
    state = inboxReducer(state, { type: 'message', snapshot: snapshot('a'), message: message('a', 'in', '2026-11-25T10:01:00.000Z') });
    expect(state.conversations.a).toMatchObject({
      lastMessage: { direction: 'in', parts: [{ type: 'text', text: 'hi' }] },
      waitingSince: '2026-11-25T10:01:00.000Z',
    });
    state = inboxReducer(state, { type: 'message', snapshot: snapshot('a'), message: message('a', 'in', '2026-11-25T10:02:00.000Z') });
    expect(state.conversations.a?.waitingSince).toBe('2026-11-25T10:01:00.000Z');
    const note = { ...message('a', 'out', '2026-11-25T10:03:00.000Z'), private: true, parts: [{ type: 'text' as const, text: 'internal' }] };
    state = inboxReducer(state, { type: 'message', snapshot: snapshot('a'), message: note });
    expect(state.conversations.a?.lastMessage?.parts).toEqual([{ type: 'text', text: 'hi' }]);
    state = inboxReducer(state, { type: 'message', snapshot: snapshot('a'), message: message('a', 'out', '2026-11-25T10:04:00.000Z') });
    expect(state.conversations.a).toMatchObject({ lastMessage: { direction: 'out' }, waitingSince: null });
  });

  it("shows a customer's new name in every conversation of theirs", () => {
    let state = inboxReducer(emptyInbox, {
      type: 'loaded',
      conversations: [view('a', null), view('b', null), { ...view('c', null), contact: { id: 'other', name: 'Li' } }],
      lastSeen: {},
    });
    state = inboxReducer(state, { type: 'contact', contact: { id: 'k', name: 'Wang Fang' } });
    expect(Object.values(state.conversations).map((c) => c.contact.name)).toEqual(['Wang Fang', 'Wang Fang', 'Li']);
  });
});
