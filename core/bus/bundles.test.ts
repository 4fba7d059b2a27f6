import { describe, expect, it } from 'vitest';
import type { Delivery } from './bus.js';
import { BUNDLE_HEADER, BUNDLE_IDS_HEADER, BUNDLE_MAX_BYTES, BUNDLE_MAX_MESSAGES, bundle, chunkBundles, splitDelivery } from './bundles.js';

const delivery = (body: Buffer, headers: Delivery['headers']): Delivery => ({
  body,
  exchange: 'events',
  routingKey: 't.message.created',
  messageId: 'b',
  headers,
  attempt: 2,
  redelivered: true,
  json: () => JSON.parse(body.toString()),
});

describe('bundles', () => {
  it('gives back each message with its exact text, even where strings hold brackets, commas and quotes', () => {
    const bodies = ['{"a": 1, "b": [1, {"c": "]},[{\\""}]}', '{"text":"你好, \\\\"}', '[1,2]', '"x"', '{"n":1.50}'];
    const message = bundle(
      bodies.map((body, i) => ({ messageId: `outbox-${i}`, body })),
      'outbox-0-4',
    );
    const parts = splitDelivery(delivery(message.body, { ...message.headers, tenant: 't1' }));
    expect(parts.map((p) => p.body.toString())).toEqual(bodies);
    expect(parts.map((p) => p.messageId)).toEqual(['outbox-0', 'outbox-1', 'outbox-2', 'outbox-3', 'outbox-4']);
    expect(parts.every((p) => p.attempt === 2 && p.redelivered && p.routingKey === 't.message.created')).toBe(true);
    expect(parts[0]!.headers).toEqual({ tenant: 't1' });
    expect(parts[1]!.json()).toEqual({ text: '你好, \\' });
  });

  it('sends a lone message as it is, without a bundle header, and leaves other messages whole', () => {
    const lone = bundle([{ messageId: 'outbox-7', body: '{"n":7}' }], 'unused');
    expect(lone).toEqual({ body: Buffer.from('{"n":7}'), messageId: 'outbox-7', headers: {} });
    const plain = delivery(Buffer.from('[1,2,3]'), {});
    expect(splitDelivery(plain)).toEqual([plain]);
  });

  it('hands over whole a bundle that does not split as its headers say', () => {
    const wrong = delivery(Buffer.from('[{"a":1},{"b":2}]'), { [BUNDLE_HEADER]: 3, [BUNDLE_IDS_HEADER]: 'x,y,z' });
    expect(splitDelivery(wrong)).toEqual([wrong]);
    const cut = delivery(Buffer.from('[{"a":1},{"b":'), { [BUNDLE_HEADER]: 2, [BUNDLE_IDS_HEADER]: 'x,y' });
    expect(splitDelivery(cut)).toEqual([cut]);
  });

  it('caps a bundle by messages and by bytes, order kept', () => {
    const many = Array.from({ length: BUNDLE_MAX_MESSAGES * 2 + 1 }, (_, i) => ({ messageId: `outbox-${i}`, body: '{}' }));
    expect(chunkBundles(many).map((c) => c.length)).toEqual([BUNDLE_MAX_MESSAGES, BUNDLE_MAX_MESSAGES, 1]);
    expect(chunkBundles(many).flat()).toEqual(many);
    const big = 'x'.repeat(BUNDLE_MAX_BYTES / 3);
    const large = Array.from({ length: 5 }, (_, i) => ({ messageId: `outbox-${i}`, body: `"${big}"` }));
    expect(chunkBundles(large).map((c) => c.length)).toEqual([2, 2, 1]);
    const huge = [{ messageId: 'outbox-0', body: `"${'x'.repeat(BUNDLE_MAX_BYTES * 2)}"` }];
    expect(chunkBundles(huge)).toEqual([huge]);
  });
});
