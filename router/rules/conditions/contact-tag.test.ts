import { describe, expect, it } from 'vitest';
import { matchesContactTag } from './contact-tag.js';
import { facts } from './fixtures.js';

const vip = facts({ contact: { attributes: {}, tags: ['VIP', 'beijing'] } });

describe('contact tag condition', () => {
  it('matches a VIP whatever the case of the tag', () => {
    expect(matchesContactTag({ type: 'contact_tag', anyOf: ['vip'] }, vip)).toBe(true);
    expect(matchesContactTag({ type: 'contact_tag', anyOf: ['vip'] }, facts())).toBe(false);
  });

  it('supports all-of and none-of', () => {
    expect(matchesContactTag({ type: 'contact_tag', allOf: ['vip', 'Beijing'] }, vip)).toBe(true);
    expect(matchesContactTag({ type: 'contact_tag', allOf: ['vip', 'shanghai'] }, vip)).toBe(false);
    expect(matchesContactTag({ type: 'contact_tag', noneOf: ['blocked'] }, vip)).toBe(true);
    expect(matchesContactTag({ type: 'contact_tag', noneOf: ['VIP'] }, vip)).toBe(false);
  });
});
