import { describe, expect, it } from 'vitest';
import { slugOfHost } from './host.js';

describe('the company a host names', () => {
  it('is the one label before BASE_HOST, port and case aside', () => {
    expect(slugOfHost('Acme.Support.Example:8443', 'support.example')).toBe('acme');
    expect(slugOfHost('acme.support.example', 'support.example:8443')).toBe('acme');
  });

  it('is none for the bare host, www, a deeper subdomain, another domain, or without BASE_HOST', () => {
    for (const host of ['support.example', 'www.support.example', 'a.b.support.example', 'acme.evil.example', 'acmesupport.example', undefined]) {
      expect(slugOfHost(host, 'support.example'), String(host)).toBeUndefined();
    }
    expect(slugOfHost('acme.support.example', undefined)).toBeUndefined();
  });
});
