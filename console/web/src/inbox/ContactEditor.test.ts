import { describe, expect, it } from 'vitest';
import { parseTags } from './ContactEditor.js';

describe('parseTags', () => {
  it('splits on commas (also the Chinese one) and spaces, once each', () => {
    expect(parseTags('vip, refund，vip  wholesale')).toEqual(['vip', 'refund', 'wholesale']);
    expect(parseTags('  ')).toEqual([]);
  });
});
