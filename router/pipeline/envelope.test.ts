import { describe, expect, it } from 'vitest';
import { checkInboundMessage } from '../../core/connector/publish.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { ValidationError } from '../../core/errors.js';
import { parseEnvelope } from './envelope.js';

const envelope = (message: Record<string, unknown>) => ({
  version: 1,
  tenantId: '6f1c1f8e-6a5b-4c1e-9d0e-2b7b6f0c1a11',
  channelId: '0b8f4a52-3c4d-4e5f-8a9b-1c2d3e4f5a6b',
  channelType: 'web',
  receivedAt: '2027-03-05T09:00:00.000Z',
  message: { externalId: 'm-1', sender: { externalId: 'visitor-1' }, parts: [{ type: 'text', text: 'hi' }], ...message },
});

describe('inbound envelope', () => {
  it('refuses off the bus, naming the field, what a connector could not have published', () => {
    for (const message of [{ parts: [] }, { parts: [{ type: 'location', latitude: 200, longitude: 0 }] }, { parts: [{ type: 'text' }] }]) {
      const body = envelope(message);
      expect(() => checkInboundMessage(body.message as never)).toThrow(ValidationError);
      const error = (() => {
        try {
          parseEnvelope(body);
        } catch (e) {
          return e as ValidationError;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect(error!.issues[0]!.field).toMatch(/^message\.parts/);
    }
  });

  it('passes a valid envelope on as it came, fields the schema does not name included', () => {
    const body = envelope({ parts: [{ type: 'image', url: 'https://example.com/a.png', extra: 1 }], routing: { hold: true } });
    const parsed: InboundEnvelope = parseEnvelope(body);
    expect(parsed).toEqual(body);
    expect(parsed.message.parts[0]).toMatchObject({ extra: 1 });
  });
});
