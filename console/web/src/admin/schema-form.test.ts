import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formSettings, humanize, schemaFields } from './schema-form.js';

// The schema as the connector SDK describes a config: zod's JSON Schema, secrets marked writeOnly.
const config = z.object({
  endpoint: z.url().describe('Where replies are POSTed'),
  webhookSecret: z.string().min(8).meta({ secret: true, writeOnly: true }),
  greeting: z.string().default('hello'),
  retries: z.number().int().min(0).max(10).optional(),
  mode: z.enum(['push', 'pull']),
  enabled: z.boolean().default(true),
  allowedOrigins: z.array(z.string()).optional(),
  label: z.string().nullable().optional(),
  nested: z.object({ a: z.string() }).optional(),
});
const schema = z.toJSONSchema(config, { io: 'input', unrepresentable: 'any' });

describe('settings form from a JSON Schema', () => {
  it('draws one field per setting with its kind, rules, default and secrecy', () => {
    const fields = schemaFields(schema);
    expect(fields.map((f) => [f.name, f.kind, f.required, f.secret])).toEqual([
      ['endpoint', 'url', true, false],
      ['webhookSecret', 'text', true, true],
      ['greeting', 'text', false, false],
      ['retries', 'integer', false, false],
      ['mode', 'select', true, false],
      ['enabled', 'boolean', false, false],
      ['allowedOrigins', 'list', false, false],
      ['label', 'text', false, false],
    ]);
    expect(fields[0]).toMatchObject({ label: 'Endpoint', description: 'Where replies are POSTed' });
    expect(fields[1]).toMatchObject({ label: 'Webhook secret', minLength: 8 });
    expect(fields[2]!.defaultValue).toBe('hello');
    expect(fields[3]).toMatchObject({ min: 0, max: 10 });
    expect(fields[4]!.options).toEqual(['push', 'pull']);
  });

  it('reads the settings back: typed, trimmed, lists by line, empty optional fields and empty secrets left out', () => {
    const fields = schemaFields(schema);
    const form = new FormData();
    form.set('endpoint', ' https://example.com/hook ');
    form.set('webhookSecret', '');
    form.set('greeting', '');
    form.set('retries', '3');
    form.set('mode', 'pull');
    form.set('allowedOrigins', 'https://a.example\n\n https://b.example ');
    expect(formSettings(fields, form)).toEqual({
      endpoint: 'https://example.com/hook',
      retries: 3,
      mode: 'pull',
      enabled: false,
      allowedOrigins: ['https://a.example', 'https://b.example'],
    });
    form.set('enabled', 'on');
    form.set('webhookSecret', 'new-secret-value');
    expect(formSettings(fields, form)).toMatchObject({ enabled: true, webhookSecret: 'new-secret-value' });
    // What the connector's own schema then accepts.
    expect(config.safeParse(formSettings(fields, form)).success).toBe(true);
  });

  it('names fields readably and ignores what is not an object schema', () => {
    expect(humanize('api_key')).toBe('Api key');
    expect(humanize('appSecretKey')).toBe('App secret key');
    expect(schemaFields({ type: 'string' })).toEqual([]);
    expect(schemaFields(null)).toEqual([]);
  });
});
