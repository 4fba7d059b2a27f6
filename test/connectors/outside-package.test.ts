import { signPayload } from '@switchboard/connector-sdk';
import { webhookReceiver, type WebhookReceiver } from '@switchboard/connector-sdk/testkit';
import { describe, expect, it } from 'vitest';
import { builtInConnectors } from '../../connectors/index.js';
import { loadConfig } from '../../core/config/config.js';
import { describeConnector } from '../../core/connector/define.js';
import { loadConnectors } from '../../core/connector/registry.js';
import { describeConformance } from '../../core/connector/testkit/index.js';
import { embeddedKitServices } from '../support/connectors.js';

// examples/connector-echo, installed the way an operator installs a channel: a package in
// node_modules (here a workspace) named in CONNECTORS.
const config = loadConfig({ SECRET_KEY: Buffer.alloc(32, 7).toString('base64'), CONNECTORS: 'switchboard-connector-echo' });
const registry = await loadConnectors(builtInConnectors, config.connectorPackages);
const echo = registry.require('echo');
const signingSecret = 'echo-signing-secret-0123456789';

describe('a connector package named in CONNECTORS', () => {
  it('is installed beside the built-in ones, with its names and labels for the console', () => {
    expect(registry.list().map((c) => c.type)).toEqual(expect.arrayContaining(['app-api', 'telegram', 'echo']));
    const shown = describeConnector(echo);
    expect(shown.names).toEqual({ en: 'Generic webhook', zh: '通用 Webhook' });
    expect(shown.icon).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(shown.secretFields).toEqual(['signingSecret']);
    expect(shown.labels).toMatchObject({ replyUrl: { en: 'Reply URL', zh: '回复地址' } });
  });
});

// The same kit the package passes on its own, now on this platform's gateway, database and bus.
let receiver: WebhookReceiver;
describeConformance({
  connector: echo,
  services: embeddedKitServices,
  settings: { signingSecret },
  samples: {
    text: { id: 'm-1', from: { id: 'customer-1', name: 'Ana' }, text: 'Hello' },
    image: { id: 'm-2', from: { id: 'customer-1' }, image: { url: 'https://example.com/a.png' } },
  },
  request: (harness, body, credentials) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (credentials !== 'missing') {
      headers['x-echo-timestamp'] = timestamp;
      headers['x-echo-signature'] = signPayload(credentials === 'valid' ? signingSecret : 'wrong-secret-wrong-secret', timestamp, body);
    }
    return { path: `/hooks/${harness.channel.id}/`, init: { method: 'POST', headers, body: new Uint8Array(body) } };
  },
  sendTarget: async () => {
    receiver = await webhookReceiver();
    return { settings: { replyUrl: receiver.url }, received: async () => receiver.accepted().map((r) => r.json), close: () => receiver.close() };
  },
  sendFailures: [{ name: 'the receiver is down', arrange: () => receiver.failNext(502), retryable: true }],
  propertyRuns: 25,
});
