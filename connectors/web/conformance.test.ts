import { readFileSync } from 'node:fs';
import type { Consumer } from '../../core/bus/bus.js';
import { describeConformance, type Harness, type SendTarget } from '../../core/connector/testkit/index.js';
import { realServices } from '../../test/support/connectors.js';
import { storedThroughRouter } from '../../test/support/pipeline.js';
import web from './connector.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const samples = JSON.parse(fixture('messages.json').toString()) as Record<'text' | 'image' | 'file' | 'event' | 'audio', Record<string, unknown>>;
const IDENTITY_SECRET = 'identity-secret-0123456789abcdef';

/** One visitor session per harness, and its uploads, made the way the widget makes them. */
const sessions = new WeakMap<Harness, { token: string; visitorId: string; uploads: Map<string, string> }>();
async function session(harness: Harness) {
  let found = sessions.get(harness);
  if (!found) {
    const response = await harness.request(`/widget/${harness.channel.publicKey}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const body = (await response.json()) as { token: string; visitor: { id: string } };
    found = { token: body.token, visitorId: body.visitor.id, uploads: new Map() };
    sessions.set(harness, found);
  }
  return found;
}

async function withUploads(harness: Harness, body: Buffer): Promise<Buffer> {
  const text = body.toString();
  if (!/\$(upload|voice):/.test(text)) return body;
  const own = await session(harness);
  let replaced = text;
  // `$upload:` as the widget's file button sends it, `$voice:` as its microphone button does.
  for (const [whole, how, name] of text.matchAll(/\$(upload|voice):([\w.-]+)/g)) {
    if (!own.uploads.has(whole)) {
      const path = how === 'voice' ? `voice?duration=2&name=${name}` : `uploads?name=${name}`;
      const response = await harness.request(`/widget/${harness.channel.publicKey}/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${own.token}` },
        body: new Uint8Array(fixture(name!)),
      });
      own.uploads.set(whole, ((await response.json()) as { id: string }).id);
    }
    replaced = replaced.replaceAll(whole, own.uploads.get(whole)!);
  }
  return Buffer.from(replaced);
}

let consumer: Consumer | undefined;
const pushed: unknown[] = [];

describeConformance({
  connector: web,
  settings: { identitySecret: IDENTITY_SECRET },
  samples,
  services: realServices,
  storedCount: storedThroughRouter,
  async request(harness, body, credentials) {
    const own = await session(harness);
    const token = credentials === 'valid' ? own.token : credentials === 'bad' ? `vt_${'x'.repeat(43)}` : undefined;
    return {
      path: `/widget/${harness.channel.publicKey}/messages`,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: new Uint8Array(await withUploads(harness, body)),
      },
    };
  },
  recipient: async (harness) => (await session(harness)).visitorId,
  async sendTarget(): Promise<SendTarget> {
    return {
      settings: {},
      async attach(harness) {
        const queue = `conformance.widget.${harness.channel.id}`;
        await harness.deps.bus.declareQueue({ name: queue, transient: true, bindings: [{ exchange: 'events', pattern: '*.widget.message' }] });
        consumer = await harness.deps.bus.consume(queue, async (d) => void pushed.push(d.json()), { prefetch: 10 });
      },
      received: async () => {
        await new Promise((r) => setTimeout(r, 100));
        return pushed;
      },
      close: async () => consumer?.close(),
    };
  },
  sendFailures: [{ name: 'an unknown visitor fails for good', arrange: () => {}, recipient: 'v:nobody', retryable: false }],
});
