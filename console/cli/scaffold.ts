import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `switchboard connector new <name>`: a new connector folder with the same files every
 * connector has (definition, inbound, normalize, send, a fixture) and a conformance test that
 * passes as written. The developer then replaces the example provider with the real one.
 */
export function scaffoldConnector(root: string, name: string): string[] {
  if (!/^[a-z][a-z0-9-]{1,39}$/.test(name)) throw new Error(`"${name}" must be lower case letters, digits and '-' (2-40, starting with a letter)`);
  const dir = join(root, 'connectors', name);
  if (existsSync(dir)) throw new Error(`connectors/${name} already exists`);
  const title = name.replace(/(^|-)(\w)/g, (_m, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase());
  const files: Record<string, string> = {
    'connector.ts': `import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.js';
import { routes } from './inbound.js';
import { normalize } from './normalize.js';
import { send } from './send.js';

/** What an admin fills in for a ${title} channel. Secrets are sealed at rest and never shown again. */
export const config = z.object({
  apiUrl: z.url().describe('Where replies are posted'),
  apiToken: secret(z.string().min(8).describe('Sent as a bearer token with each reply')),
  webhookSecret: secret(z.string().min(16).describe('Signs the webhooks ${title} sends us (HMAC-SHA256 of the body)')),
});

export type Config = z.infer<typeof config>;

export default defineConnector({
  type: '${name}',
  displayName: '${title}',
  capabilities: { receive: ['text'], send: ['text'] },
  config,
  inbound: { kind: 'http', routes },
  normalize,
  send,
});
`,
    'inbound.ts': `import { createHmac } from 'node:crypto';
import type { HttpRoute } from '../../core/connector/define.js';
import { safeEqual } from '../../core/connector/signatures.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../core/errors.js';
import type { Config } from './connector.js';

/** POST /hooks/<channelId>/messages, signed with \`x-signature: sha256=<hex HMAC of the body>\`. */
export const routes: HttpRoute<Config>[] = [
  {
    method: 'POST',
    path: '/messages',
    verify(request, ctx) {
      const signature = request.headers['x-signature'];
      if (!signature) throw new UnauthorizedError('x-signature is required');
      const expected = \`sha256=\${createHmac('sha256', ctx.config.webhookSecret).update(request.body).digest('hex')}\`;
      if (!safeEqual(signature, expected)) throw new ForbiddenError('the signature does not match');
    },
    handle(request) {
      try {
        return { payloads: [JSON.parse(request.body.toString('utf8'))] };
      } catch {
        throw new ValidationError('the body is not valid JSON');
      }
    },
  },
];
`,
    'normalize.ts': `import { z } from 'zod';
import type { InboundMessage } from '../../core/domain/messages.js';

/** The provider's message, as its documentation describes it (see fixtures/message.json). */
export const providerMessage = z.object({
  id: z.string().min(1),
  from: z.object({ id: z.string().min(1), name: z.string().optional() }),
  text: z.string().min(1),
  timestamp: z.iso.datetime().optional(),
});

export function normalize(payload: unknown): InboundMessage {
  const m = providerMessage.parse(payload);
  return {
    externalId: m.id,
    sender: { externalId: m.from.id, displayName: m.from.name },
    parts: [{ type: 'text', text: m.text }],
    sentAt: m.timestamp,
    raw: payload,
  };
}
`,
    'send.ts': `import type { ChannelContext } from '../../core/connector/define.js';
import { errorForNetwork, errorForStatus } from '../../core/connector/errors.js';
import type { OutboundEnvelope } from '../../core/domain/messages.js';
import type { Config } from './connector.js';

/** Posts a reply to the provider; returns its id. 408, 429 and 5xx are retried, other 4xx are not. */
export async function send(outbound: OutboundEnvelope, ctx: ChannelContext<Config>): Promise<string> {
  const text = outbound.parts.map((p) => (p.type === 'text' ? p.text : '')).join('\\n');
  let response: Response;
  try {
    response = await fetch(ctx.config.apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: \`Bearer \${ctx.config.apiToken}\` },
      body: JSON.stringify({ to: outbound.recipient.externalId, text, parts: outbound.parts }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw errorForNetwork(error, '${title}');
  }
  if (!response.ok) throw errorForStatus(response.status, '${title}');
  const body = (await response.json().catch(() => ({}))) as { id?: string };
  return body.id ?? \`${name}-\${outbound.messageId}\`;
}
`,
    'fixtures/message.json': `{
  "id": "msg-1",
  "from": { "id": "customer-1", "name": "Ada" },
  "text": "Hello, I need help with my order",
  "timestamp": "2026-11-25T10:00:00Z"
}
`,
    'conformance.test.ts': `import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describeConformance, webhookReceiver, type WebhookReceiver } from '../../core/connector/testkit/index.js';
import { embeddedKitServices } from '../../test/support/connectors.js';
import connector from './connector.js';

const WEBHOOK_SECRET = 'webhook-secret-0123456789';
const message = JSON.parse(readFileSync(new URL('./fixtures/message.json', import.meta.url), 'utf8'));
let receiver: WebhookReceiver;

describeConformance({
  connector,
  services: embeddedKitServices,
  settings: { apiToken: 'api-token-0123456789', webhookSecret: WEBHOOK_SECRET },
  samples: { text: message },
  request(harness, body, credentials) {
    const secret = credentials === 'bad' ? 'not-the-secret-0123456789' : WEBHOOK_SECRET;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (credentials !== 'missing') headers['x-signature'] = \`sha256=\${createHmac('sha256', secret).update(body).digest('hex')}\`;
    return { path: \`/hooks/\${harness.channel.id}/messages\`, init: { method: 'POST', headers, body: new Uint8Array(body) } };
  },
  async sendTarget() {
    receiver = await webhookReceiver();
    return { settings: { apiUrl: receiver.url }, received: async () => receiver.accepted().map((r) => r.json), close: () => receiver.close() };
  },
  sendFailures: [
    { name: '503 is retried', arrange: () => receiver.failNext(503), retryable: true },
    { name: '400 fails for good', arrange: () => receiver.failNext(400), retryable: false },
  ],
});
`,
  };
  mkdirSync(join(dir, 'fixtures'), { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content, { flag: 'wx' });
  return Object.keys(files).map((file) => `connectors/${name}/${file}`);
}
