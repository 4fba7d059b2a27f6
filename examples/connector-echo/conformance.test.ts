import { readFileSync } from 'node:fs';
import { signPayload } from '@switchboard/connector-sdk';
import { describeConformance, openMemoryHost, webhookReceiver, type WebhookReceiver } from '@switchboard/connector-sdk/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import echo from './src/index.js';

// Only the published SDK: this is how a channel outside Switchboard proves itself.
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
const signingSecret = 'echo-signing-secret-0123456789';

function signed(body: Buffer, credentials: 'valid' | 'missing' | 'bad') {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (credentials !== 'missing') {
    headers['x-echo-timestamp'] = timestamp;
    headers['x-echo-signature'] = signPayload(credentials === 'valid' ? signingSecret : 'not-the-secret-at-all', timestamp, body);
  }
  return { method: 'POST', headers, body: new Uint8Array(body) };
}

let receiver: WebhookReceiver;

describeConformance({
  connector: echo,
  settings: { signingSecret },
  samples: { text: fixture('text'), image: fixture('image') },
  request: (harness, body, credentials) => ({ path: `/hooks/${harness.channel.id}/`, init: signed(body, credentials) }),
  sendTarget: async () => {
    receiver = await webhookReceiver();
    return {
      settings: { replyUrl: receiver.url },
      received: async () => receiver.accepted().map((r) => r.json),
      close: () => receiver.close(),
    };
  },
  sendFailures: [
    { name: 'the receiver is down (503)', arrange: () => receiver.failNext(503), retryable: true },
    { name: 'the receiver refuses the reply (400)', arrange: () => receiver.failNext(400), retryable: false },
  ],
});

describe('echo connector', () => {
  let target: WebhookReceiver;
  beforeAll(async () => {
    target = await webhookReceiver();
  });
  afterAll(() => target.close());

  it('signs each reply and numbers them in the channel’s own state', async () => {
    const host = await openMemoryHost(echo, { replyUrl: target.url, signingSecret });
    const ctx = await host.context();
    const reply = (text: string) =>
      echo.send(
        {
          version: 1,
          tenantId: host.tenantId,
          channelId: host.channel.id,
          channelType: 'echo',
          messageId: text,
          conversationId: 'c-1',
          recipient: { externalId: 'customer-7' },
          threadKey: '',
          parts: [{ type: 'text', text }],
        },
        ctx,
      );
    await reply('first');
    await reply('second');
    const [first, second] = target.accepted();
    expect((first!.json as { sequence: number }).sequence).toBe(1);
    expect((second!.json as { sequence: number }).sequence).toBe(2);
    expect(host.state.get('sent')).toBe(2);
    expect(second!.headers['x-echo-signature']).toBe(signPayload(signingSecret, String(second!.headers['x-echo-timestamp']), second!.body));
  });

  it('refuses a signature older than five minutes', async () => {
    const host = await openMemoryHost(echo, { replyUrl: target.url, signingSecret });
    const body = Buffer.from(JSON.stringify(fixture('text')));
    const old = String(Math.floor(Date.now() / 1000) - 600);
    const response = await host.request(`/hooks/${host.channel.id}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-echo-timestamp': old, 'x-echo-signature': signPayload(signingSecret, old, body) },
      body: new Uint8Array(body),
    });
    expect(response.status).toBe(403);
    expect(host.published).toHaveLength(0);
  });
});
