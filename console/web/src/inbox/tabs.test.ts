import { describe, expect, it } from 'vitest';
import type { ConversationView } from '../api/types.js';
import { availableTabs, belongsToTab, byActivity, tabQueries, type Viewer } from './tabs.js';

const agent: Viewer = { userId: 'u1', groupIds: ['g1'], permissions: ['conversations.view.group', 'conversations.view.own'] };
const admin: Viewer = { userId: 'u9', groupIds: ['g1', 'g2'], permissions: ['conversations.view.all'] };
const ownOnly: Viewer = { userId: 'u2', groupIds: ['g1'], permissions: ['conversations.view.own'] };

const conversation = (change: Partial<ConversationView> = {}): ConversationView => ({
  id: 'c1',
  status: 'assigned',
  kind: 'chat',
  channel: { id: 'ch1', type: 'web', name: 'Web' },
  contact: { id: 'k1', name: 'Wang Fang' },
  groupId: 'g1',
  assigneeId: 'u1',
  priority: 0,
  subject: null,
  createdAt: '2026-11-25T10:00:00.000Z',
  lastMessageAt: '2026-11-25T10:05:00.000Z',
  lastMessage: null,
  waitingSince: null,
  ...change,
});

describe('inbox tabs', () => {
  it('offers tabs as the viewer may see', () => {
    expect(availableTabs(admin)).toEqual(['mine', 'unassigned', 'groups', 'all']);
    expect(availableTabs(agent)).toEqual(['mine', 'unassigned', 'groups']);
    expect(availableTabs(ownOnly)).toEqual(['mine']);
    expect(availableTabs({ ...agent, permissions: [] })).toEqual([]);
  });

  it('asks the API for each tab with the filters', () => {
    expect(tabQueries('mine', agent, { status: 'open', channelId: 'ch1' })).toEqual([
      { status: 'open,queued,assigned', channelId: 'ch1', q: undefined, assigneeId: 'me' },
    ]);
    expect(tabQueries('unassigned', agent, { status: 'resolved', q: 'refund' })).toEqual([
      { status: 'resolved', channelId: undefined, q: 'refund', assigneeId: 'none' },
    ]);
    expect(tabQueries('groups', admin, { status: 'open' }).map((q) => q.groupId)).toEqual(['g1', 'g2']);
    expect(tabQueries('groups', agent, { status: 'open' })).toHaveLength(1);
    expect(tabQueries('groups', { ...agent, groupIds: [] }, { status: 'open' })).toEqual([]);
  });

  it('places a live conversation in the tabs it belongs to', () => {
    const open = { status: 'open' as const };
    expect(belongsToTab('mine', agent, open, conversation())).toBe(true);
    expect(belongsToTab('unassigned', agent, open, conversation())).toBe(false);
    expect(belongsToTab('unassigned', agent, open, conversation({ assigneeId: null, status: 'queued' }))).toBe(true);
    expect(belongsToTab('groups', agent, open, conversation({ assigneeId: 'u3' }))).toBe(true);
    expect(belongsToTab('mine', agent, open, conversation({ status: 'resolved' }))).toBe(false);
    expect(belongsToTab('mine', agent, { status: 'resolved' }, conversation({ status: 'resolved' }))).toBe(true);
    expect(belongsToTab('mine', agent, { ...open, channelId: 'other' }, conversation())).toBe(false);
  });

  it('drops what the viewer may no longer see, e.g. after a transfer to another group', () => {
    const elsewhere = conversation({ groupId: 'g7', assigneeId: 'u3' });
    expect(belongsToTab('all', agent, { status: 'open' }, elsewhere)).toBe(false);
    expect(belongsToTab('all', admin, { status: 'open' }, elsewhere)).toBe(true);
    expect(belongsToTab('mine', ownOnly, { status: 'open' }, conversation({ assigneeId: 'u2' }))).toBe(true);
    expect(belongsToTab('groups', ownOnly, { status: 'open' }, conversation({ assigneeId: 'u3' }))).toBe(false);
  });

  it('orders by latest activity', () => {
    const older = conversation({ id: 'a', lastMessageAt: '2026-11-25T09:00:00.000Z' });
    const newer = conversation({ id: 'b', lastMessageAt: null, createdAt: '2026-11-25T11:00:00.000Z' });
    expect([older, newer].sort(byActivity).map((c) => c.id)).toEqual(['b', 'a']);
  });
});
