import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { assertStorable, findUnstorableText, textProblem, toStorable } from './storable-text.js';

describe('storable text', () => {
  it('takes any script and emoji, whose surrogates come in pairs', () => {
    expect(textProblem('你好 👋🏽 こんにちは Привет café')).toBeUndefined();
    expect(findUnstorableText({ parts: [{ text: '🚚📦' }], n: 1, ok: true, none: null })).toBeUndefined();
  });

  it('names the first field holding U+0000 or an unpaired surrogate, in document order', () => {
    expect(findUnstorableText({ sender: { displayName: 'Li' }, parts: [{ text: 'ok' }, { text: 'a\u0000b' }], subject: '\uD800' })).toEqual({
      field: 'parts.1.text',
      message: expect.stringContaining('U+0000'),
    });
    expect(findUnstorableText({ subject: 'x \uDC00' })?.field).toBe('subject');
    expect(findUnstorableText({ subject: 'x \uD83D' })?.field).toBe('subject');
    expect(findUnstorableText(['\uD83D\uDE00', 'end \uD83D'])?.field).toBe('1');
  });

  it('checks the names of keys too, since jsonb stores them', () => {
    expect(findUnstorableText({ attributes: { 'a\u0000': 1 } })).toEqual({ field: 'attributes.a\u0000', message: expect.stringContaining('its name') });
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableText(deep)?.message).toContain('U+0000');
  });

  it('throws a ValidationError that carries the field', () => {
    expect(() => assertStorable({ name: 'x\u0000' })).toThrow(ValidationError);
    try {
      assertStorable({ name: 'x\u0000' });
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([{ field: 'name', message: expect.any(String) }]);
    }
  });

  it('cleans a value for sources that cannot be refused: U+FFFD in place of each character, counted, pairs kept', () => {
    const { value, replaced } = toStorable({ subject: 'a\u0000b', parts: [{ text: '😀 \uD800 x' }], n: 3, at: null });
    expect(value).toEqual({ subject: 'a\uFFFDb', parts: [{ text: '😀 \uFFFD x' }], n: 3, at: null });
    expect(replaced).toBe(2);
    expect(findUnstorableText(value)).toBeUndefined();
  });
});
