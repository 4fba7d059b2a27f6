import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config/config.js';
import { clientAddress } from './throttle.js';

const addressSeen = async (trustProxy: string, forwarded?: string) => {
  const config = loadConfig({ DATA_DIR: '/tmp', SECRET_KEY: 'ab'.repeat(32), TRUST_PROXY: trustProxy });
  const app = new Hono().get('/', (c) => c.text(clientAddress(c, config)));
  const answer = await app.request('/', { headers: forwarded ? { 'x-forwarded-for': forwarded } : {} });
  return answer.text();
};

describe('the client address behind proxies', () => {
  it('believes only the hops the trusted proxies added, counted from the right', async () => {
    // No proxy: the header is the client's own words; the socket (none here) is the address.
    expect(await addressSeen('false', '203.0.113.9')).toBe('unknown');
    expect(await addressSeen('true', '10.0.0.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(await addressSeen('true', ' 203.0.113.9 ')).toBe('203.0.113.9');
    // A load balancer and a proxy: the load balancer's hop is the second from the right.
    expect(await addressSeen('2', 'forged, 203.0.113.9, 10.0.0.2')).toBe('203.0.113.9');
    expect(await addressSeen('2', '203.0.113.9')).toBe('203.0.113.9');
    expect(await addressSeen('true')).toBe('unknown');
  });
});
