import { describe, expect, it } from 'vitest';
import { e164, phoneDigits } from './phone.js';

describe('phone numbers', () => {
  it('compare in E.164 digits whatever the spaces, dashes, brackets and plus', () => {
    expect(e164('+86 138 0013 8000')).toBe('+8613800138000');
    expect(e164('+86-(138)-0013-8000')).toBe(e164('8613800138000'));
    expect(phoneDigits('+1 650-555-1234')).toBe('16505551234');
  });

  it('are no number at all when too short or too long, and never guessed a country code', () => {
    expect(e164('anonymous')).toBeUndefined();
    expect(e164('1001')).toBeUndefined();
    expect(e164('+1234567890123456')).toBeUndefined();
    expect(e164('138 0013 8000')).not.toBe(e164('+86 138 0013 8000'));
  });
});
