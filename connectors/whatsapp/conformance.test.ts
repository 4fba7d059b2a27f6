import { describeConformance, type SendTarget } from '../../core/connector/testkit/index.js';
import { realServices } from '../../test/support/connectors.js';
import { storedThroughRouter } from '../../test/support/pipeline.js';
import { fakeGraph, hubSignature, type FakeGraph } from '../../test/fakes/graph-api.js';
import whatsapp from './connector.js';
import { whatsappFixtures as f, whatsappMedia } from './fixtures/index.js';
import { SIGNATURE_HEADER } from './inbound.js';
import { customerWrites } from './fixtures/customer.js';

const APP_SECRET = 'meta-app-secret-0123456789abcdef';
const KIND_OF: Record<string, string> = { document: 'file' };
let fake: FakeGraph;

describeConformance({
  connector: whatsapp,
  settings: { appSecret: APP_SECRET, verifyToken: 'verify-me-please' },
  samples: { text: f.text, image: f.image, file: f.document, audio: f.audio, video: f.video, location: f.location, event: f.interactive },
  services: realServices,
  storedCount: storedThroughRouter,
  request(harness, body, credentials) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (credentials !== 'missing') headers[SIGNATURE_HEADER] = hubSignature(credentials === 'valid' ? APP_SECRET : 'not-the-app-secret-0000', body);
    return { path: `/hooks/${harness.channel.id}`, init: { method: 'POST', headers, body: new Uint8Array(body) } };
  },
  // The 24-hour window is open: the customer wrote a moment ago.
  recipient: (harness) => customerWrites(harness, APP_SECRET, '16505551234'),
  async sendTarget(): Promise<SendTarget> {
    fake = await fakeGraph();
    for (const [id, media] of Object.entries(whatsappMedia)) fake.addMedia(id, media.bytes, media.mimeType);
    return {
      settings: { accessToken: fake.token, phoneNumberId: fake.phoneNumberId, apiBaseUrl: fake.url },
      // Each Cloud API message as sent, labelled with the content kind it carries.
      received: async () => fake.messages.map(({ body }) => ({ ...body, type: body.text?.preview_url ? 'link' : (KIND_OF[body.type] ?? body.type) })),
      close: () => fake.close(),
    };
  },
  sendFailures: [
    { name: '130429 throughput limit is retried', arrange: () => fake.failNext(130429, '(#130429) Rate limit hit'), retryable: true },
    {
      name: '131056 pair rate limit is retried',
      arrange: () => fake.failNext(131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit'),
      retryable: true,
    },
    { name: '131000 something went wrong (500) is retried', arrange: () => fake.failNext(131000, 'Something went wrong', 500), retryable: true },
    { name: '131047 re-engagement fails for good', arrange: () => fake.failNext(131047, 'Re-engagement message'), retryable: false },
    {
      name: '190 expired token fails for good',
      arrange: () => fake.failNext(190, 'Error validating access token: Session has expired', 401),
      retryable: false,
    },
    { name: '131026 undeliverable fails for good', arrange: () => fake.failNext(131026, 'Message undeliverable'), retryable: false },
  ],
});
