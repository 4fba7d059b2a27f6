import { describe, expect, it } from 'vitest';
import { formatSize, linkify } from './content.js';

const base = 'https://acme.example.com/';

describe('linkify', () => {
  it('turns http(s) and www addresses into links and keeps the rest as text', () => {
    expect(linkify('see https://example.org/a?b=1, or www.example.cn。thanks', base)).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: ', or ' },
      { kind: 'link', text: 'www.example.cn', href: 'https://www.example.cn/' },
      { kind: 'text', text: '。thanks' },
    ]);
  });
  it('never makes a link of a script URL, and keeps markup as plain text', () => {
    expect(linkify('javascript:alert(1) <img src=x onerror=alert(1)>', base)).toEqual([
      { kind: 'text', text: 'javascript:alert(1) <img src=x onerror=alert(1)>' },
    ]);
    expect(linkify('https://example.org/<script>', base)).toEqual([
      { kind: 'link', text: 'https://example.org/', href: 'https://example.org/' },
      { kind: 'text', text: '<script>' },
    ]);
  });
  it('is empty for empty text', () => {
    expect(linkify('', base)).toEqual([]);
  });
});

describe('formatSize', () => {
  it('reads like a person would write it', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(25 * 1024 * 1024)).toBe('25 MB');
    expect(formatSize(undefined)).toBe('');
  });
});
