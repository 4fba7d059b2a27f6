import type { Reaction } from '../../../core/connector/call-center-port.js';
import type { ChannelContext, HookOutcome, HttpRoute, RawRequest } from '../../../core/connector/define.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../../core/errors.js';
import { signatureMatches } from './signature.js';
import { renderTwiml, type TwimlUrls } from './twiml.js';
import type { TwilioConfig } from './connector.js';

type Ctx = ChannelContext<TwilioConfig>;

/** The URL Twilio requested, as it signed it: the configured public address, our path, the query as sent. */
export function requestUrl(ctx: Ctx, request: RawRequest): string {
  const query = new URLSearchParams(request.query).toString();
  return `${ctx.publicUrl.replace(/\/$/, '')}/hooks/${ctx.channel.id}${request.path}${query ? `?${query}` : ''}`;
}

function formOf(request: RawRequest): URLSearchParams {
  return new URLSearchParams(request.body.toString('utf8'));
}

/** Checked on the raw body before anything acts on it: 401 without a signature, 403 with a wrong one. */
function verifyTwilio(request: RawRequest, ctx: Ctx): void {
  const given = request.headers['x-twilio-signature'];
  if (!given) throw new UnauthorizedError('X-Twilio-Signature is missing');
  if (!signatureMatches(ctx.config.authToken, requestUrl(ctx, request), formOf(request), given)) {
    throw new ForbiddenError('X-Twilio-Signature does not match');
  }
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) throw new ValidationError(`${name} is required`, [{ field: name, message: 'required' }]);
  if (value.length > 200) throw new ValidationError(`${name} is too long`, [{ field: name, message: 'at most 200 characters' }]);
  return value;
}

/**
 * The call a webhook is about: its CallSid, or for an outbound call (which Twilio knows by its own
 * sid) the call id Switchboard put in the URL, which the signature covers.
 */
function callIdOf(form: URLSearchParams, request: RawRequest): string {
  const named = request.query.call;
  if (named !== undefined) {
    if (!named || named.length > 200) throw new ValidationError('call is not valid', [{ field: 'call', message: '1 to 200 characters' }]);
    return named;
  }
  return required(form, 'CallSid');
}

export function twimlUrls(ctx: Ctx, outboundCall?: string): TwimlUrls {
  const base = `${ctx.publicUrl.replace(/\/$/, '')}/hooks/${ctx.channel.id}/twilio`;
  const call: Record<string, string> = outboundCall ? { call: outboundCall } : {};
  return {
    outbound: () => `${base}/outbound?${new URLSearchParams(call)}`,
    status: () => `${base}/status${outboundCall ? `?${new URLSearchParams(call)}` : ''}`,
    gather: (menuId, timedOut) => `${base}/gather?${new URLSearchParams({ menu: menuId, ...(timedOut ? { timeout: '1' } : {}) })}`,
    wait: () => `${base}/wait`,
    dialResult: (legId) => `${base}/dial?${new URLSearchParams({ leg: legId, ...call })}`,
    agentAnswered: (legId) => `${base}/answered?${new URLSearchParams({ leg: legId })}`,
    recording: () => `${base}/recording${outboundCall ? `?${new URLSearchParams(call)}` : ''}`,
    voicemail: () => `${base}/voicemail`,
  };
}

function answer(ctx: Ctx, reaction: Reaction, outboundCall?: string): HookOutcome {
  const xml = renderTwiml(reaction.instructions, {
    urls: twimlUrls(ctx, outboundCall),
    holdLoopSeconds: ctx.config.holdLoopSeconds,
    holdMusicUrl: ctx.config.holdMusicUrl,
    language: ctx.config.language,
  });
  return { payloads: reaction.signals, respond: () => ({ status: 200, body: xml, headers: { 'content-type': 'text/xml; charset=utf-8' } }) };
}

const FINAL_STATUSES = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

function route(path: string, handle: (form: URLSearchParams, request: RawRequest, ctx: Ctx) => Promise<HookOutcome>): HttpRoute<TwilioConfig> {
  return { method: 'POST', path, maxBodyBytes: 64 * 1024, verify: verifyTwilio, handle: (request, ctx) => handle(formOf(request), request, ctx) };
}

/** Every webhook Twilio sends a voice channel; each is signed and answered with TwiML. */
export const twilioRoutes: HttpRoute<TwilioConfig>[] = [
  // The number's Voice URL: a call comes in.
  route('/twilio/voice', async (form, _request, ctx) =>
    answer(
      ctx,
      await ctx.platform.calls.callArrived({ providerCallId: required(form, 'CallSid'), from: form.get('From') || 'anonymous', to: form.get('To') ?? '' }),
    ),
  ),
  // <Gather> action: the key pressed, or (timeout=1, from the <Redirect> after it) none.
  route('/twilio/gather', async (form, request, ctx) => {
    const digits = request.query.timeout ? null : (form.get('Digits') ?? '').slice(0, 1) || null;
    return answer(ctx, await ctx.platform.calls.keyPressed(required(form, 'CallSid'), digits, { menuId: request.query.menu, webhook: true }));
  }),
  // The waiting loop: on hold until an agent rings.
  route('/twilio/wait', async (form, _request, ctx) => {
    const callSid = required(form, 'CallSid');
    return answer(ctx, (await ctx.platform.calls.checkWaiting(callSid, ctx.config.holdLoopSeconds)) ?? (await ctx.platform.calls.whatNow(callSid)));
  }),
  // An outbound call: the agent picked up their phone (the call Switchboard started): now the customer's number is dialled.
  route('/twilio/outbound', async (form, request, ctx) => {
    const callId = callIdOf(form, request);
    const reaction = await ctx.platform.calls.outboundAgentAnswered(callId);
    // Asked again (a retry) once the customer's side is dialled: say the same.
    if (!reaction.instructions.length && reaction.call?.state === 'ringing' && reaction.call.agentLegId) {
      const again = {
        op: 'ring',
        agentId: reaction.call.agentId ?? '',
        phone: { status: 'mobile', address: reaction.call.toNumber },
        legId: reaction.call.agentLegId,
        timeoutSeconds: ctx.config.ringSeconds,
        callerNumber: ctx.config.outboundCallerId ?? '',
      } as const;
      return answer(ctx, { ...reaction, instructions: [again] }, callId);
    }
    return answer(ctx, reaction.instructions.length ? reaction : { ...reaction, instructions: [{ op: 'hangup' }] }, callId);
  }),
  // <Number|Client|Sip url>: runs on the agent's leg once they pick up, before the two are connected.
  route('/twilio/answered', async (_form, request, ctx) => {
    const leg = request.query.leg;
    if (!leg) throw new ValidationError('leg is required', [{ field: 'leg', message: 'required' }]);
    const reaction = await ctx.platform.calls.agentAnswered(leg);
    // A leg nobody wants any more is hung up before it is connected.
    const stale = reaction.instructions.some((i) => i.op === 'drop-leg');
    return {
      payloads: reaction.signals,
      respond: () => ({
        status: 200,
        body: renderTwiml(stale ? [{ op: 'hangup' }] : [], { urls: twimlUrls(ctx), holdLoopSeconds: 1 }),
        headers: { 'content-type': 'text/xml; charset=utf-8' },
      }),
    };
  }),
  // <Dial action>: the agent's leg is over (no answer, busy, or the talk ended).
  route('/twilio/dial', async (form, request, ctx) => {
    const leg = request.query.leg;
    if (!leg) throw new ValidationError('leg is required', [{ field: 'leg', message: 'required' }]);
    const status = form.get('DialCallStatus') ?? 'failed';
    const owner = await ctx.platform.calls.callOfLeg(leg);
    if (!owner) return answer(ctx, await ctx.platform.calls.whatNow(callIdOf(form, request)));
    return answer(ctx, await ctx.platform.calls.agentLegEnded(leg, status));
  }),
  // The number's status callback: the call's final status.
  route('/twilio/status', async (form, request, ctx) => {
    const status = form.get('CallStatus') ?? '';
    if (!FINAL_STATUSES.has(status)) return { response: { status: 204 } };
    const reaction = await ctx.platform.calls.callEnded(callIdOf(form, request), status);
    return { payloads: reaction.signals, respond: () => ({ status: 204 }) };
  }),
  route('/twilio/recording', async (form, request, ctx) => {
    if ((form.get('RecordingStatus') ?? 'completed') === 'completed') {
      await ctx.platform.calls.recordingReady(callIdOf(form, request), `twilio:${required(form, 'RecordingSid')}`);
    }
    return { response: { status: 204 } };
  }),
  route('/twilio/voicemail', async () => ({
    response: {
      status: 200,
      body: '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>',
      headers: { 'content-type': 'text/xml; charset=utf-8' },
    },
  })),
];
