import { describe, expect, it } from 'vitest';
import type { MessageView } from '../api/domain.js';
import { ApiError } from '../api/client.js';
import { mergeMessages, newClientId, replyParts, replyRefusal, updateStatus } from './messages.js';

const message = (id: string, text = id): MessageView => ({
  id,
  conversationId: 'c',
  direction: 'in',
  senderType: 'contact',
  senderId: null,
  private: false,
  parts: [{ type: 'text', text }],
  status: 'received',
  createdAt: '2026-11-25T10:00:00.000Z',
});

describe('conversation messages', () => {
  it('merges live and loaded messages once each, in id order (numeric, not text)', () => {
    const merged = mergeMessages([message('9'), message('10')], [message('10', 'again'), message('2'), message('11')]);
    expect(merged.map((m) => m.id)).toEqual(['2', '9', '10', '11']);
    expect(merged.find((m) => m.id === '10')!.parts).toEqual([{ type: 'text', text: 'again' }]);
  });
  it('updates a delivery status', () => {
    expect(updateStatus([message('1')], '1', 'delivered')[0]!.status).toBe('delivered');
  });
  it('takes the new parts of a message the server changed (a customer file copied in), and keeps them otherwise', () => {
    const copied = [{ type: 'image' as const, attachmentId: 'a1', name: 'parcel.png' }];
    expect(updateStatus([message('1'), message('2')], '2', 'received', copied).map((m) => m.parts)).toEqual([[{ type: 'text', text: '1' }], copied]);
    expect(updateStatus([message('1')], '1', 'read')[0]!.parts).toEqual([{ type: 'text', text: '1' }]);
  });
  it('makes client ids and reply parts', () => {
    expect(newClientId(() => 'x')).toBe('web-x');
    expect(newClientId()).not.toBe(newClientId());
    // Plain http at a LAN address or a name is no secure context: no crypto.randomUUID there.
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      expect(newClientId()).toMatch(/^web-[0-9a-f]{32}$/);
    } finally {
      delete (crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(typeof crypto.randomUUID).toBe('function');
    expect(replyParts('  \n ')).toEqual([]);
    expect(replyParts('hello\n\n')).toEqual([{ type: 'text', text: 'hello' }]);
    expect(
      replyParts('', [
        { id: 'a', name: 'a.png', mimeType: 'image/png', size: 3 },
        { id: 'b', name: 'b.pdf', mimeType: 'application/pdf', size: 4 },
      ]),
    ).toEqual([
      { type: 'image', attachmentId: 'a', name: 'a.png', mimeType: 'image/png', size: 3 },
      { type: 'file', attachmentId: 'b', name: 'b.pdf', mimeType: 'application/pdf', size: 4 },
    ]);
  });
});

describe('a reply refused because it would take the conversation', () => {
  it("says why in the agent's words, and leaves other failures as they are", () => {
    expect(replyRefusal(new ApiError(409, 'conflict', 'the agent is at capacity for chat (0/0)', undefined, 'at_capacity'))).toBe('reply.notTaken.capacity');
    expect(replyRefusal(new ApiError(409, 'conflict', 'the agent is away', undefined, 'agent_unavailable'))).toBe('reply.notTaken.unavailable');
    expect(replyRefusal(new ApiError(409, 'conflict', 'the conversation has been taken', undefined, 'taken'))).toBe('reply.notTaken.taken');
    expect(replyRefusal(new ApiError(404, 'not_found', 'conversation not found'))).toBeUndefined();
    expect(replyRefusal(new TypeError('offline'))).toBeUndefined();
  });
});
