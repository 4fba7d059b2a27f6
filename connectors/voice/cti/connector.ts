import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { defineConnector, secret, type ChannelContext, type HttpRoute, type RawRequest } from '../../../core/connector/define.js';
import { ConnectorError } from '../../../core/connector/errors.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../../core/errors.js';
import { normalizeCallSignal } from '../../../core/domain/call-signals.js';
import { ctiLabels } from './labels.js';

export const ctiConfig = z.object({
  token: secret(z.string().min(16).describe('The PBX sends it as ?token= or the X-CTI-Token header')),
});
export type CtiConfig = z.infer<typeof ctiConfig>;

function verifyToken(request: RawRequest, ctx: ChannelContext<CtiConfig>): void {
  const given = request.headers['x-cti-token'] ?? request.query.token;
  if (!given) throw new UnauthorizedError('a token is required (?token= or X-CTI-Token)');
  const a = Buffer.from(given);
  const b = Buffer.from(ctx.config.token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new ForbiddenError('the token does not match');
}

const field = z.string().trim().min(1).max(200);
/** The generic CTI's events, form-encoded or JSON: newCall, answer, hangup with the call id and numbers. */
const ctiEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('newCall'), callId: field, from: field, to: field, direction: z.enum(['in', 'out']), queue: z.string().max(200).optional() }),
  z.object({
    event: z.literal('answer'),
    callId: field,
    answeringNumber: z.string().max(64).optional(),
    user: z.array(z.string().max(200)).max(20).default([]),
  }),
  z.object({ event: z.literal('hangup'), callId: field, cause: z.string().max(100).default('normalClearing') }),
]);

function parseCti(request: RawRequest): z.infer<typeof ctiEvent> {
  const type = (request.headers['content-type'] ?? '').toLowerCase();
  let body: Record<string, unknown>;
  if (type.startsWith('application/json')) {
    try {
      body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new ValidationError('the body is not valid JSON');
    }
  } else {
    const form = new URLSearchParams(request.body.toString('utf8'));
    body = Object.fromEntries(form.entries());
    const users = [...form.getAll('user[]'), ...form.getAll('user')];
    if (users.length) body.user = users;
  }
  const parsed = ctiEvent.safeParse(body);
  if (!parsed.success)
    throw new ValidationError(
      'not a CTI event',
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    );
  return parsed.data;
}

const ctiRoute: HttpRoute<CtiConfig> = {
  method: 'POST',
  path: '/cti',
  maxBodyBytes: 32 * 1024,
  verify: verifyToken,
  async handle(request, ctx) {
    const event = parseCti(request);
    // The PBX names who answered by number or user names: the agent is found among the company's.
    const signals = await ctx.platform.calls.reported(
      event.event === 'answer'
        ? {
            event: 'answer',
            callId: event.callId,
            agentId: await ctx.platform.company.agentNamed(event.answeringNumber, event.user),
            answeringNumber: event.answeringNumber,
          }
        : event,
    );
    return { payloads: signals, respond: () => ({ status: 200, body: { ok: true } }) };
  },
};

/** A PBX that reports its calls (newCall, answer, hangup) to a webhook; it routes and rings by itself. */
export default defineConnector({
  type: 'voice-cti',
  displayName: 'Phone (PBX events)',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#9a3412"/><path d="M8.6 5.5c.4 0 .7.2.9.6l1 2.4c.1.4 0 .8-.3 1.1l-1 .9a9 9 0 0 0 4.3 4.3l.9-1c.3-.3.7-.4 1.1-.3l2.4 1c.4.2.6.5.6.9v2.1c0 .6-.5 1-1 1A12.5 12.5 0 0 1 5.5 6.5c0-.5.4-1 1-1z" fill="#fff"/></svg>',
    name: { en: 'Phone (PBX events)', zh: '电话（PBX 事件）' },
  },
  description: 'Any PBX that can post newCall / answer / hangup events: calls are filed and shown, the PBX keeps routing them.',
  descriptionZh: '任何能推送 newCall / answer / hangup 事件的电话交换机：来电被记录并显示，路由仍由交换机负责。',
  capabilities: { receive: ['event'], send: [], calls: true, conversationKind: 'voice' },
  config: ctiConfig,
  labels: ctiLabels,
  // The token only checks what the PBX sends here.
  endpoints: {},
  inbound: { kind: 'http', routes: [ctiRoute] },
  normalize: normalizeCallSignal,
  send: async () => {
    throw ConnectorError.permanent('a phone channel carries calls, not written replies');
  },
});
