import { describe, expect, it } from 'vitest';
import { baseSubject, messageIds, replyHeaders, replySubject, subjectToken, threadCandidates, threadKeyFor } from './threading.js';

describe('subjects', () => {
  it.each([
    ['Re: Where is my order?', 'Where is my order?'],
    ['RE: AW: Fwd: Where is my order?', 'Where is my order?'],
    ['回复：答复: 转发: 我的订单', '我的订单'],
    ['回覆: 帳號無法登入', '帳號無法登入'],
    ['SV: Re[2]: Faktura', 'Faktura'],
    ['Re: Where is my order? [#a1b2c3d4e5]', 'Where is my order?'],
    ['Reply needed: invoice', 'Reply needed: invoice'],
  ])('%s → %s', (subject, base) => {
    expect(baseSubject(subject)).toBe(base);
  });

  it('finds the conversation token through any prefix, and puts it in a reply once', () => {
    expect(subjectToken('答复: RE: Where is my order? [#A1B2C3D4E5]')).toBe('a1b2c3d4e5');
    expect(subjectToken('Where is my order? [#123]')).toBeUndefined();
    expect(replySubject('回复: Where is my order? [#a1b2c3d4e5]', 'a1b2c3d4e5')).toBe('Re: Where is my order? [#a1b2c3d4e5]');
    expect(replySubject(undefined, 'a1b2c3d4e5')).toBe('Re: (no subject) [#a1b2c3d4e5]');
    expect(threadKeyFor('root@example.org')).toMatch(/^[0-9a-f]{10}$/);
    expect(subjectToken(replySubject('x', threadKeyFor('root@example.org')))).toBe(threadKeyFor('root@example.org'));
  });
});

describe('thread headers', () => {
  it('reads message ids from header text and from mailparser arrays', () => {
    expect(messageIds('<a@x> <b@y>\r\n <c@z>')).toEqual(['a@x', 'b@y', 'c@z']);
    expect(messageIds(['<a@x>', '<b@y>'])).toEqual(['a@x', 'b@y']);
    expect(messageIds('bare@id')).toEqual(['bare@id']);
    expect(messageIds(undefined)).toEqual([]);
  });

  it('looks for the answered mail first, then References from the newest back', () => {
    expect(threadCandidates(['c@x'], ['a@x', 'b@x', 'c@x'])).toEqual(['c@x', 'b@x', 'a@x']);
  });

  it('answers the last mail and keeps the root when References grow long', () => {
    expect(replyHeaders(['a@x', 'b@x'], 'c@x')).toEqual({ inReplyTo: 'c@x', references: ['a@x', 'b@x', 'c@x'] });
    expect(replyHeaders([], undefined)).toEqual({});
    const long = Array.from({ length: 30 }, (_, i) => `m${i}@x`);
    const headers = replyHeaders(long, 'm29@x');
    expect(headers.references).toHaveLength(20);
    expect(headers.references![0]).toBe('m0@x');
    expect(headers.references!.at(-1)).toBe('m29@x');
  });
});
