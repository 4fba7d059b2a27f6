import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { checkQuery, checkTextBody, MAX_JSON_DEPTH, parseJsonBody } from './strict-input.js';

const issueOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues[0];
    throw error;
  }
  return undefined;
};

describe('strict input', () => {
  it('parses JSON with any script, escapes and brackets inside strings', () => {
    expect(parseJsonBody(Buffer.from('{"text":"你好 👋 [[[{{{ \\" \\\\","emoji":"\\ud83d\\ude00"}'))).toEqual({ text: '你好 👋 [[[{{{ " \\', emoji: '😀' });
    expect(parseJsonBody(Buffer.from('  '))).toBeUndefined();
  });

  it('refuses bytes that are not UTF-8 instead of turning them into U+FFFD', () => {
    expect(issueOf(() => parseJsonBody(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])))).toEqual({
      field: 'body',
      message: 'not valid UTF-8',
    });
  });

  it(`takes JSON ${MAX_JSON_DEPTH} levels deep and refuses one more, without recursion`, () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(parseJsonBody(nested(MAX_JSON_DEPTH))).toBeDefined();
    expect(issueOf(() => parseJsonBody(nested(MAX_JSON_DEPTH + 1)))?.field).toBe('body');
    expect(issueOf(() => parseJsonBody(nested(1_000_000)))?.message).toContain('deeper');
  });

  it('names the field holding an escaped U+0000 or lone surrogate', () => {
    expect(issueOf(() => parseJsonBody('{"user":{"name":"a\\u0000"}}'))?.field).toBe('user.name');
    expect(issueOf(() => parseJsonBody('{"messages":[{"text":"\\ud800"}]}'))?.field).toBe('messages.0.text');
  });

  it('checks providers’ JSON and XML bodies by their type, and leaves binary and other charsets alone', () => {
    expect(issueOf(() => checkTextBody('application/json; charset=utf-8', Buffer.from('{"a":"\\u0000"}')))?.field).toBe('a');
    expect(issueOf(() => checkTextBody('text/xml', Buffer.from([0x3c, 0x78, 0x3e, 0xc3, 0x28])))?.field).toBe('body');
    expect(() => checkTextBody('application/octet-stream', Buffer.from([0xff, 0x00]))).not.toThrow();
    expect(() => checkTextBody('text/xml; charset=gbk', Buffer.from([0xc4, 0xe3]))).not.toThrow();
  });

  it('refuses query values that decode to U+0000, a lone surrogate or invalid UTF-8, naming the parameter', () => {
    expect(() => checkQuery('http://x/api/search?q=%E4%BD%A0%E5%A5%BD+world&limit=5')).not.toThrow();
    expect(issueOf(() => checkQuery('http://x/api/search?limit=5&q=%00'))?.field).toBe('q');
    expect(issueOf(() => checkQuery('http://x/api/search?q=%ED%A0%80'))?.field).toBe('q');
    expect(issueOf(() => checkQuery('http://x/api/search?q=%FF#frag'))?.field).toBe('q');
  });
});
