import { describe, expect, it } from 'vitest';
import { linksLookLocal } from './address.js';

describe('the local-links warning', () => {
  it('warns when links say localhost or 127.0.0.1 but the console is open at another host', () => {
    expect(linksLookLocal('http://localhost:3000', 'http://127.0.0.1:3000/t/acme/')).toBe(true);
    expect(linksLookLocal('http://127.0.0.1:3000', 'https://support.example.com/')).toBe(true);
    expect(linksLookLocal('http://[::1]:3000', 'http://10.0.0.5:3000/')).toBe(true);
  });

  it('stays quiet for a real address, or when the console is open on the same local host', () => {
    expect(linksLookLocal('https://support.example.com', 'http://127.0.0.1:3000/')).toBe(false);
    expect(linksLookLocal('http://localhost:3000', 'http://localhost:3000/t/acme/')).toBe(false);
    expect(linksLookLocal('http://192.168.1.20:3000', 'http://192.168.1.20:3000/')).toBe(false);
  });
});
