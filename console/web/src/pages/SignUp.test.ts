import { describe, expect, it } from 'vitest';
import { landing } from './SignUp.js';

describe('where the sign-up page goes next', () => {
  it('stays on the origin the page is open at, whatever address the server answers', () => {
    expect(landing('http://localhost:3000/t/acme', 'http://127.0.0.1:3000/sign-up')).toBe('http://127.0.0.1:3000/t/acme/');
    expect(landing('https://support.example.com/t/acme', 'http://10.0.0.5:3000/sign-up')).toBe('http://10.0.0.5:3000/t/acme/');
  });

  it("follows a company's own subdomain, which is another origin by design", () => {
    expect(landing('https://acme.support.example.com', 'https://support.example.com/sign-up')).toBe('https://acme.support.example.com/');
  });
});
