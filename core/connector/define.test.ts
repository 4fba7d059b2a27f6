import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configJsonSchema, defineConnector, describeConnector, secret, secretFields } from './define.js';

const base = {
  type: 'demo',
  displayName: 'Demo',
  capabilities: { receive: ['text'] as const, send: ['text'] as const },
  config: z.object({
    endpoint: z.url(),
    token: secret(z.string().min(8)),
    aesKey: secret(z.string().length(43).optional()),
    retries: z.number().int().default(3),
  }),
  normalize: () => ({ externalId: '1', sender: { externalId: 'u' }, parts: [{ type: 'text' as const, text: 'hi' }] }),
  send: async () => 'p-1',
};

describe('defineConnector', () => {
  it('finds the secret fields, including optional ones', () => {
    expect(secretFields(defineConnector(base))).toEqual(['token', 'aesKey']);
  });

  it('derives a JSON Schema for the console form with secrets marked write-only', () => {
    const schema = configJsonSchema(defineConnector(base)) as { properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(schema.properties.endpoint).toMatchObject({ type: 'string', format: 'uri' });
    expect(schema.properties.token).toMatchObject({ type: 'string', writeOnly: true, secret: true });
    expect(schema.properties.endpoint!.writeOnly).toBeUndefined();
    expect(schema.properties.retries).toMatchObject({ type: 'integer', default: 3 });
    expect(schema.required).toEqual(expect.arrayContaining(['endpoint', 'token']));
    expect(describeConnector(defineConnector(base))).toMatchObject({ type: 'demo', inbound: null, secretFields: ['token', 'aesKey'] });
  });

  it('refuses a bad type, a route without verify and a route declared twice', () => {
    expect(() => defineConnector({ ...base, type: 'Bad Type' })).toThrow(/lower case/);
    const route = { method: 'POST' as const, path: '/in', verify: () => {}, handle: () => ({ payloads: [] }) };
    expect(() => defineConnector({ ...base, inbound: { kind: 'http', routes: [route, route] } })).toThrow(/twice/);
    expect(() => defineConnector({ ...base, inbound: { kind: 'http', routes: [{ ...route, verify: undefined as never }] } })).toThrow(/verify/);
    expect(() => defineConnector({ ...base, inbound: { kind: 'http', routes: [{ ...route, path: 'in' }] } })).toThrow(/start with/);
  });
});
