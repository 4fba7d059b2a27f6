import { describe, expect, it } from 'vitest';
import { browserFamily, contactNameFor, isGeneratedName, visitorNumber } from './contact-name.js';

describe('the name of a new contact', () => {
  it('is the name the customer gave, when they gave one', () => {
    expect(contactNameFor({ externalId: 'v:1', displayName: ' 王芳 ' })).toBe('王芳');
  });

  it('is "Visitor" with a number that stays the same for the identity, and the browser when known', () => {
    const name = contactNameFor({ externalId: 'v:4b1d', attributes: { browser: 'Chrome' } });
    expect(name).toMatch(/^Visitor \d{4} · Chrome$/);
    expect(contactNameFor({ externalId: 'v:4b1d' })).toBe(name.replace(' · Chrome', ''));
    expect(contactNameFor({ externalId: 'v:4b1d', attributes: { city: 'Shanghai', browser: 'Safari' } })).toBe(
      `Visitor ${visitorNumber('v:4b1d')} · Shanghai · Safari`,
    );
    expect(isGeneratedName(name)).toBe(true);
    expect(isGeneratedName('Visitor of the museum')).toBe(false);
  });

  it('gives different visitors different numbers, nearly always', () => {
    const numbers = new Set(Array.from({ length: 200 }, (_, i) => visitorNumber(`v:${i}`)));
    expect(numbers.size).toBeGreaterThan(190);
    for (const n of numbers) expect(n).toBeGreaterThanOrEqual(1000);
  });

  it('reads the browser family from common User-Agent headers', () => {
    const agents: [string, string | undefined][] = [
      ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome'],
      ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge'],
      ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari'],
      ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox'],
      ['Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.50', 'WeChat'],
      ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36', 'Chrome'],
      ['curl/8.5.0', undefined],
    ];
    for (const [agent, family] of agents) expect(browserFamily(agent)).toBe(family);
  });
});
