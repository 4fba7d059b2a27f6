import { z } from 'zod';
import {
  ConnectorError,
  checkSignature,
  defineConnector,
  errorForNetwork,
  errorForStatus,
  ForbiddenError,
  secret,
  signPayload,
  UnauthorizedError,
  ValidationError,
  type ContentPart,
  type InboundMessage,
} from '@switchboard/connector-sdk';

/**
 * A generic webhook channel: any system that can POST signed JSON reaches the agents, and gets
 * their replies POSTed back, signed the same way. Written with the connector SDK alone, the way
 * a channel outside Switchboard's repository is: install the package and name it in CONNECTORS.
 *
 * Both ways the signature is `X-Echo-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`
 * under the channel's secret, with `X-Echo-Timestamp` (unix seconds, within five minutes).
 */

const settings = z.object({
  /** Where agents' replies are POSTed. */
  replyUrl: z.url(),
  /** Signs both ways. */
  signingSecret: secret(z.string().min(16)),
});
type Settings = z.infer<typeof settings>;

/** What the sending system POSTs: one customer message. */
export const echoPayload = z.object({
  id: z.string().min(1).max(200),
  from: z.object({ id: z.string().min(1).max(200), name: z.string().max(200).optional() }),
  text: z.string().max(10_000).optional(),
  image: z.object({ url: z.url(), name: z.string().max(200).optional() }).optional(),
  sentAt: z.iso.datetime().optional(),
});

const WINDOW_SECONDS = 300;

function normalize(payload: unknown): InboundMessage {
  const message = echoPayload.parse(payload);
  const parts: ContentPart[] = [];
  if (message.text) parts.push({ type: 'text', text: message.text });
  if (message.image) parts.push({ type: 'image', url: message.image.url, ...(message.image.name ? { name: message.image.name } : {}) });
  if (parts.length === 0) throw new ValidationError('a message needs text or an image', [{ field: 'text', message: 'required' }]);
  return {
    externalId: message.id,
    sender: { externalId: message.from.id, ...(message.from.name ? { displayName: message.from.name } : {}) },
    parts,
    ...(message.sentAt ? { sentAt: message.sentAt } : {}),
    raw: payload,
  };
}

export default defineConnector({
  type: 'echo',
  displayName: 'Generic webhook',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#4b5563" d="M4 4h16v12H7l-3 3z"/></svg>',
    name: { en: 'Generic webhook', zh: '通用 Webhook' },
  },
  capabilities: { receive: ['text', 'image'], send: ['text', 'link'] },
  config: settings,
  labels: {
    replyUrl: { en: 'Reply URL', zh: '回复地址', hintEn: 'Agents’ replies are POSTed here, signed.', hintZh: '座席的回复会签名后 POST 到这里。' },
    signingSecret: { en: 'Signing secret', zh: '签名密钥' },
  },
  endpoints: { replyUrl: ['signingSecret'] },
  inbound: {
    kind: 'http',
    routes: [
      {
        method: 'POST',
        path: '/',
        maxBodyBytes: 64 * 1024,
        verify(request, ctx) {
          const check = checkSignature(
            ctx.config.signingSecret,
            request.headers['x-echo-timestamp'],
            request.headers['x-echo-signature'],
            request.body,
            WINDOW_SECONDS,
          );
          if (check === 'missing') throw new UnauthorizedError('X-Echo-Signature and X-Echo-Timestamp are required');
          if (check !== 'ok') throw new ForbiddenError(check === 'stale' ? 'the timestamp is too old' : 'the signature does not match');
        },
        handle(request) {
          try {
            return { payloads: [JSON.parse(request.body.toString('utf8'))] };
          } catch {
            throw new ValidationError('the body is not JSON', [{ field: 'body', message: 'not JSON' }]);
          }
        },
      },
    ],
  },
  normalize,
  async send(outbound, ctx) {
    // The channel's own state: a running count of replies, sent along so the receiver can spot gaps.
    const sequence = ((await ctx.state.get<number>('sent')) ?? 0) + 1;
    const body = JSON.stringify({ id: outbound.messageId, to: outbound.recipient.externalId, parts: outbound.parts, sequence });
    const timestamp = String(Math.floor(Date.now() / 1000));
    let response: Response;
    try {
      response = await ctx.outbound.fetch(ctx.config.replyUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-echo-timestamp': timestamp,
          'x-echo-signature': signPayload(ctx.config.signingSecret, timestamp, body),
        },
        body,
        timeoutMs: 10_000,
        maxBytes: 64 * 1024,
      });
    } catch (error) {
      throw errorForNetwork(error, 'the reply URL');
    }
    if (!response.ok) throw errorForStatus(response.status, 'the reply URL');
    await ctx.state.set('sent', sequence);
    const answer = (await response.json().catch(() => ({}))) as { id?: unknown };
    if (typeof answer.id === 'string' && answer.id) return answer.id;
    if (answer.id !== undefined) throw ConnectorError.permanent('the reply URL answered with an id that is not a string');
    return `echo:${outbound.messageId}`;
  },
});

export type { Settings as EchoSettings };
