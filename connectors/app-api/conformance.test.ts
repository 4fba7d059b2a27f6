import { describeConformance, webhookReceiver, type SendTarget } from '../../core/connector/testkit/index.js';
import { signPayload } from '../../core/connector/signatures.js';
import { realServices } from '../../test/support/connectors.js';
import { storedThroughRouter } from '../../test/support/pipeline.js';
import appApi from './connector.js';
import { appApiFixtures } from './fixtures/index.js';

const SIGNING_SECRET = 'sign-inbound-0123456789abcdef';
const WEBHOOK_SECRET = 'sign-webhook-0123456789abcdef';
let receiver: Awaited<ReturnType<typeof webhookReceiver>> | undefined;

describeConformance({
  connector: appApi,
  settings: { webhookSecret: WEBHOOK_SECRET, signingSecret: SIGNING_SECRET },
  samples: appApiFixtures,
  services: realServices,
  storedCount: storedThroughRouter,
  request(harness, body, credentials) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = credentials === 'bad' ? signPayload('not-the-secret-0123456789', timestamp, body) : signPayload(SIGNING_SECRET, timestamp, body);
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${harness.apiKey}` };
    if (credentials !== 'missing') Object.assign(headers, { 'x-switchboard-timestamp': timestamp, 'x-switchboard-signature': signature });
    return { path: `/hooks/${harness.channel.id}/messages`, init: { method: 'POST', headers, body: new Uint8Array(body) } };
  },
  async sendTarget(): Promise<SendTarget> {
    receiver = await webhookReceiver();
    const own = receiver;
    return { settings: { webhookUrl: own.url }, received: async () => own.accepted().map((r) => r.json), close: () => own.close() };
  },
  sendFailures: [
    { name: '503 is retried', arrange: () => receiver!.failNext(503), retryable: true },
    { name: '429 is retried', arrange: () => receiver!.failNext(429), retryable: true },
    { name: '408 is retried', arrange: () => receiver!.failNext(408), retryable: true },
    { name: '400 fails for good', arrange: () => receiver!.failNext(400), retryable: false },
    { name: '410 fails for good', arrange: () => receiver!.failNext(410), retryable: false },
  ],
});
