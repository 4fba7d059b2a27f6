import { describe, expect, it } from 'vitest';
import { contactAttributeCondition, matchesContactAttribute } from './contact-attribute.js';
import { facts } from './fixtures.js';

const customer = facts({ contact: { attributes: { plan: 'enterprise', seats: 40, churned: false }, tags: [] } });

describe('contact attribute condition', () => {
  it('tests presence, equality and membership', () => {
    expect(matchesContactAttribute({ type: 'contact_attribute', key: 'plan', equals: 'enterprise' }, customer)).toBe(true);
    expect(matchesContactAttribute({ type: 'contact_attribute', key: 'plan', equals: 'free' }, customer)).toBe(false);
    expect(matchesContactAttribute({ type: 'contact_attribute', key: 'seats', in: [10, 40] }, customer)).toBe(true);
    expect(matchesContactAttribute({ type: 'contact_attribute', key: 'churned', equals: false }, customer)).toBe(true);
    expect(matchesContactAttribute({ type: 'contact_attribute', key: 'region', exists: false }, customer)).toBe(true);
    expect(matchesContactAttribute({ type: 'contact_attribute', key: 'region', exists: true }, customer)).toBe(false);
  });

  it('does not confuse a number with its text', () => {
    expect(matchesContactAttribute({ type: 'contact_attribute', key: 'seats', equals: '40' }, customer)).toBe(false);
    expect(contactAttributeCondition.safeParse({ type: 'contact_attribute', key: 'plan' }).success).toBe(false);
  });
});
