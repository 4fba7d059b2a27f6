import type { ChannelContext, HookOutcome, HttpRoute, RawRequest } from '../../../core/connector/define.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../../core/errors.js';
import { agentAnswered, agentLegEnded, callArrived, callEnded, keyPressed, recordingReady, whatNow, type Reaction } from '../calls/call-center.js';
import { lockCallByLeg } from '../calls/store.js';
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

export function twimlUrls(ctx: Ctx): TwimlUrls {
  const base = `${ctx.publicUrl.replace(/\/$/, '')}/hooks/${ctx.channel.id}/twilio`;
  return {
    gather: (menuId, timedOut) => `${base}/gather?${new URLSearchParams({ menu: menuId, ...(timedOut ? { timeout: '1' } : {}) })}`,
    wait: () => `${base}/wait`,
    dialResult: (legId) => `${base}/dial?${new URLSearchParams({ leg: legId })}`,
    agentAnswered: (legId) => `${base}/answered?${new URLSearchParams({ leg: legId })}`,
    recording: () => `${base}/recording`,
    voicemail: () => `${base}/voicemail`,
  };
}

function answer(ctx: Ctx, reaction: Reaction): HookOutcome {
  const xml = renderTwiml(reaction.instructions, {
    urls: twimlUrls(ctx),
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
    answer(ctx, await callArrived(ctx, { providerCallId: required(form, 'CallSid'), from: form.get('From') || 'anonymous', to: form.get('To') ?? '' })),
  ),
  // <Gather> action: the key pressed, or (timeout=1, from the <Redirect> after it) none.
  route('/twilio/gather', async (form, request, ctx) => {
    const digits = request.query.timeout ? null : (form.get('Digits') ?? '').slice(0, 1) || null;
    return answer(ctx, await keyPressed(ctx, required(form, 'CallSid'), digits, { menuId: request.query.menu, webhook: true }));
  }),
  // The waiting loop: on hold until an agent rings.
  route('/twilio/wait', async (form, _request, ctx) => answer(ctx, await whatNow(ctx, required(form, 'CallSid')))),
  // <Number|Client|Sip url>: runs on the agent's leg once they pick up, before the two are connected.
  route('/twilio/answered', async (_form, request, ctx) => {
    const leg = request.query.leg;
    if (!leg) throw new ValidationError('leg is required', [{ field: 'leg', message: 'required' }]);
    const reaction = await agentAnswered(ctx, leg);
    // A leg nobody wants any more is hung up before it is connected.
    const stale = reaction.instructions.some((i) => i.op === 'drop-leg');
    return { payloads: reaction.signals, respond: () => ({ status: 200, body: renderTwiml(stale ? [{ op: 'hangup' }] : [], { urls: twimlUrls(ctx), holdLoopSeconds: 1 }), headers: { 'content-type': 'text/xml; charset=utf-8' } }) };
  }),
  // <Dial action>: the agent's leg is over (no answer, busy, or the talk ended).
  route('/twilio/dial', async (form, request, ctx) => {
    const leg = request.query.leg;
    if (!leg) throw new ValidationError('leg is required', [{ field: 'leg', message: 'required' }]);
    const status = form.get('DialCallStatus') ?? 'failed';
    const owner = await ctx.db.transaction().execute((trx) => lockCallByLeg(trx, ctx.channel.id, leg));
    if (!owner) return answer(ctx, await whatNow(ctx, required(form, 'CallSid')));
    return answer(ctx, await agentLegEnded(ctx, leg, status));
  }),
  // The number's status callback: the call's final status.
  route('/twilio/status', async (form, _request, ctx) => {
    const status = form.get('CallStatus') ?? '';
    if (!FINAL_STATUSES.has(status)) return { response: { status: 204 } };
    const reaction = await callEnded(ctx, required(form, 'CallSid'), status);
    return { payloads: reaction.signals, respond: () => ({ status: 204 }) };
  }),
  route('/twilio/recording', async (form, _request, ctx) => {
    if ((form.get('RecordingStatus') ?? 'completed') === 'completed') {
      await recordingReady(ctx, required(form, 'CallSid'), `twilio:${required(form, 'RecordingSid')}`);
    }
    return { response: { status: 204 } };
  }),
  route('/twilio/voicemail', async () => ({ response: { status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>', headers: { 'content-type': 'text/xml; charset=utf-8' } } })),
];
