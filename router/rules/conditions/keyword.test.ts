import { describe, expect, it } from 'vitest';
import { facts } from './fixtures.js';
import { keywordCondition, matchesKeyword } from './keyword.js';

describe('keyword condition', () => {
  it('finds words in any case, Chinese included (no spaces needed)', () => {
    expect(matchesKeyword({ type: 'keyword', anyOf: ['refund', '退款'] }, facts({ text: '我要退款！' }))).toBe(true);
    expect(matchesKeyword({ type: 'keyword', anyOf: ['refund'] }, facts({ text: 'REFUND please' }))).toBe(true);
    expect(matchesKeyword({ type: 'keyword', anyOf: ['refund'] }, facts({ text: 'thanks' }))).toBe(false);
  });

  it('matches a pattern, e.g. an order number', () => {
    const order = { type: 'keyword' as const, pattern: '\\bORD-\\d{6}\\b' };
    expect(matchesKeyword(order, facts({ text: 'where is ord-123456?' }))).toBe(true);
    expect(matchesKeyword(order, facts({ text: 'where is ORD-12?' }))).toBe(false);
  });

  it('refuses a broken regular expression when the rule is read', () => {
    expect(keywordCondition.safeParse({ type: 'keyword', pattern: '([' }).success).toBe(false);
    expect(keywordCondition.safeParse({ type: 'keyword' }).success).toBe(false);
  });
});
