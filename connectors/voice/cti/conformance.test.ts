import { describeConformance } from '../../../core/connector/testkit/index.js';
import ctiConnector from './connector.js';
import { embeddedKitServices } from '../../../test/support/connectors.js';

const TOKEN = 'pbx-events-token-0123456789';

// The generic PBX webhook under the connector conformance kit: replays, wrong tokens, garbage, secrets.
describeConformance({
  connector: ctiConnector,
  services: embeddedKitServices,
  settings: { token: TOKEN },
  samples: { event: { event: 'newCall', callId: 'pbx-conformance-1', from: '+8613600000009', to: '4000', direction: 'in', queue: 'sales' } },
  request(harness, body, credentials) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (credentials === 'valid') headers['x-cti-token'] = TOKEN;
    if (credentials === 'bad') headers['x-cti-token'] = 'not-the-token-0123456789';
    return { path: `/hooks/${harness.channel.id}/cti`, init: { method: 'POST', headers, body: new Uint8Array(body) } };
  },
  async sendTarget() {
    return { settings: {}, received: async () => [], close: async () => {} };
  },
  sendFailures: [{ name: 'a written reply is refused for good', arrange: () => {}, retryable: false }],
});
