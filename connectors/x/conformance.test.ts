import { createHmac } from 'node:crypto';
import { channelContext, describeConformance, type SendTarget } from '../../core/connector/testkit/index.js';
import { realServices } from '../../test/support/connectors.js';
import { storedThroughRouter } from '../../test/support/pipeline.js';
import { startFakeX, type FakeX } from '../../test/fakes/x.js';
import x from './connector.js';
import { xFixtures } from './fixtures/index.js';

let fake: FakeX | undefined;
const sign = (secret: string, body: Buffer) => `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;

describeConformance({
  connector: x,
  // Credentials, host and certificate come from the fake (the send target).
  settings: { receive: 'webhook' },
  samples: { text: xFixtures.webhookText, image: xFixtures.webhookImage, video: xFixtures.webhookVideo },
  services: realServices,
  storedCount: storedThroughRouter,
  request(harness, body, credentials) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (credentials !== 'missing')
      headers['x-twitter-webhooks-signature'] = sign(credentials === 'bad' ? 'not-the-consumer-secret' : fake!.credentials.consumerSecret, body);
    return { path: `/hooks/${harness.channel.id}/`, init: { method: 'POST', headers, body: new Uint8Array(body) } };
  },
  recipient: async () => '2244994945',
  async outboundPart(kind, harness) {
    if (kind !== 'image') return undefined;
    const ctx = await channelContext(harness);
    const file = await ctx.attachments.put({ owner: 'agent:conformance', name: 'pixel.png', bytes: xFixtures.pixelPng });
    return { type: 'image', attachmentId: file.id, name: 'pixel.png' };
  },
  async sendTarget(): Promise<SendTarget> {
    fake = await startFakeX();
    const own = fake;
    return {
      settings: { ...own.credentials, apiBaseUrl: own.url, mediaBaseUrl: own.url, caCertificate: own.ca },
      received: async () => own.sent,
      close: () => own.close(),
    };
  },
  sendFailures: [
    { name: '429 is retried', arrange: () => fake!.failNext('/2/dm_conversations', 429), retryable: true },
    { name: '503 is retried', arrange: () => fake!.failNext('/2/dm_conversations', 503), retryable: true },
    { name: '500 is retried', arrange: () => fake!.failNext('/2/dm_conversations', 500), retryable: true },
    { name: 'a user who does not take DMs (403) fails for good', arrange: () => fake!.failNext('/2/dm_conversations', 403), retryable: false },
    { name: 'an invalid request (400) fails for good', arrange: () => fake!.failNext('/2/dm_conversations', 400), retryable: false },
    { name: 'a recipient that is not an X id fails for good', arrange: () => {}, recipient: 'not-a-user', retryable: false },
  ],
});
