import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { defineConnector, secret } from './define.js';
import { assertSecretsFollowEndpoints, endpointSecrets } from './endpoints.js';

const base = {
  type: 'demo',
  displayName: 'Demo',
  capabilities: { receive: ['text'] as const, send: ['text'] as const },
  config: z.object({
    apiUrl: z.url().default('https://api.demo.example'),
    host: z.string().optional(),
    token: secret(z.string().min(8)),
    signing: secret(z.string().min(8).optional()),
    retries: z.number().int().default(3),
  }),
  normalize: () => ({ externalId: '1', sender: { externalId: 'u' }, parts: [{ type: 'text' as const, text: 'hi' }] }),
  send: async () => 'p-1',
};

const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => i.field);
    throw error;
  }
  return [];
};

describe('secrets follow their endpoint', () => {
  it('takes every URL field of an undeclared connector as carrying every secret', () => {
    expect(endpointSecrets(defineConnector(base))).toEqual({ apiUrl: ['token', 'signing'] });
  });

  it('uses what a connector declares, and checks the declaration when it loads', () => {
    expect(endpointSecrets(defineConnector({ ...base, endpoints: { host: ['token'] } }))).toEqual({ host: ['token'] });
    expect(endpointSecrets(defineConnector({ ...base, endpoints: {} }))).toEqual({});
    expect(() => defineConnector({ ...base, endpoints: { nowhere: ['token'] } })).toThrow(/"nowhere" is not a setting/);
    expect(() => defineConnector({ ...base, endpoints: { host: ['retries'] } })).toThrow(/"retries", which is not a secret/);
  });

  it('asks again only for stored secrets whose endpoint moved and that the change leaves out', () => {
    const connector = defineConnector(base);
    const before = { apiUrl: 'https://api.demo.example', token: 'stored token', retries: 3 };
    expect(
      refusal(() => assertSecretsFollowEndpoints(connector, before, { ...before, apiUrl: 'https://evil.example' }, { apiUrl: 'https://evil.example' })),
    ).toEqual(['config.token']);
    expect(
      refusal(() =>
        assertSecretsFollowEndpoints(
          connector,
          before,
          { ...before, apiUrl: 'https://evil.example', token: 'new token' },
          { apiUrl: 'https://evil.example', token: 'new token' },
        ),
      ),
    ).toEqual([]);
    expect(refusal(() => assertSecretsFollowEndpoints(connector, before, { ...before, retries: 5 }, { retries: 5, apiUrl: before.apiUrl }))).toEqual([]);
  });
});
