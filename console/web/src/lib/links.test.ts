import { describe, expect, it } from 'vitest';
import { safeHref } from './links.js';

describe('safeHref', () => {
  const base = 'https://acme.example.com/inbox';
  it('keeps http, https, mailto and tel links', () => {
    expect(safeHref('https://example.org/a?b=1', base)).toBe('https://example.org/a?b=1');
    expect(safeHref('http://example.org', base)).toBe('http://example.org/');
    expect(safeHref('mailto:a@example.org', base)).toBe('mailto:a@example.org');
    expect(safeHref('tel:+8610123', base)).toBe('tel:+8610123');
    expect(safeHref('/files/1', base)).toBe('https://acme.example.com/files/1');
  });
  it('drops script and data links however they are spelled', () => {
    for (const value of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
    ]) {
      expect(safeHref(value, base)).toBeUndefined();
    }
  });
  it('drops what is not a URL at all', () => {
    expect(safeHref('http://', base)).toBeUndefined();
  });
});
