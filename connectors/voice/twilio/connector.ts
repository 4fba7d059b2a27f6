import { z } from 'zod';
import { callCenterSettings } from '../../../core/connector/call-center-settings.js';
import { defineConnector, secret } from '../../../core/connector/define.js';
import { ConnectorError } from '../../../core/connector/errors.js';
import { ConflictError, ValidationError } from '../../../core/errors.js';
import { publishSignals } from '../calls/publish-signals.js';
import { normalizeCallSignal } from '../../../core/domain/call-signals.js';
import { createCall, fetchRecording, updateLiveCall } from './rest.js';
import { twilioAddress } from './twiml.js';
import { twilioRoutes, twimlUrls } from './routes.js';
import { twilioLabels } from './labels.js';

export const twilioConfig = z.object({
  accountSid: z.string().regex(/^AC[0-9a-zA-Z]{32}$/, 'an account SID: AC and 32 characters'),
  authToken: secret(z.string().min(16).describe("Signs Twilio's webhooks and authenticates calls to its API")),
  apiBaseUrl: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  holdLoopSeconds: z.number().int().min(1).max(60).default(10).describe('How often a waiting caller is checked on'),
  holdMusicUrl: z.url().optional(),
  language: z.string().max(20).optional().describe('The language of spoken text prompts, e.g. zh-CN'),
  ...callCenterSettings,
});
export type TwilioConfig = z.infer<typeof twilioConfig>;

/**
 * Twilio-style programmable voice: calls arrive as signed form posts and are answered with
 * TwiML; a live call is moved (to ring another agent) through the REST API.
 */
export default defineConnector({
  type: 'voice-twilio',
  displayName: 'Phone (Twilio)',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#f22f46"/><path d="M8.6 5.5c.4 0 .7.2.9.6l1 2.4c.1.4 0 .8-.3 1.1l-1 .9a9 9 0 0 0 4.3 4.3l.9-1c.3-.3.7-.4 1.1-.3l2.4 1c.4.2.6.5.6.9v2.1c0 .6-.5 1-1 1A12.5 12.5 0 0 1 5.5 6.5c0-.5.4-1 1-1z" fill="#fff"/></svg>',
    name: { en: 'Phone (Twilio)', zh: '电话（Twilio）' },
  },
  description: 'Calls to a Twilio number: set its Voice URL to /hooks/<channel>/twilio/voice and its status callback to /hooks/<channel>/twilio/status.',
  descriptionZh: 'Twilio 号码的来电：将其 Voice URL 设为 /hooks/<channel>/twilio/voice，状态回调设为 /hooks/<channel>/twilio/status。',
  capabilities: { receive: ['event'], send: [], calls: true, conversationKind: 'voice' },
  config: twilioConfig,
  labels: twilioLabels,
  endpoints: { apiBaseUrl: ['authToken'] },
  inbound: { kind: 'http', routes: twilioRoutes },
  normalize: normalizeCallSignal,
  send: async () => {
    throw ConnectorError.permanent('a phone channel carries calls, not written replies');
  },
  voice: {
    async recording(reference, ctx) {
      if (!reference.startsWith('twilio:')) throw ConnectorError.permanent('not a recording of this platform');
      return fetchRecording(ctx, reference.slice(7));
    },
    async dial(input, ctx) {
      if (!ctx.config.outboundCallerId) {
        throw new ValidationError('this channel has no number to call from', [{ field: 'outboundCallerId', message: 'set the number customers see' }]);
      }
      const reaction = await ctx.platform.calls.placeOutboundCall(input);
      const call = reaction.call!;
      await publishSignals(ctx, reaction.signals);
      const start = reaction.instructions.find((i) => i.op === 'call-agent');
      if (start?.op !== 'call-agent') throw new Error('an outbound call starts at the agent');
      // Twilio rings the agent first; once they pick up it asks /outbound, which dials the customer.
      const urls = twimlUrls(ctx, call.providerCallId);
      try {
        await createCall(ctx, {
          to: twilioAddress(start.phone),
          from: ctx.config.outboundCallerId,
          url: urls.outbound!(),
          statusCallback: urls.status!(),
          timeoutSeconds: start.timeoutSeconds,
        });
      } catch (error) {
        // Twilio refused: the attempt is over, and its record says why.
        const ended = await ctx.platform.calls.callEnded(call.providerCallId, 'failed');
        await publishSignals(ctx, ended.signals);
        throw error;
      }
      return { providerCallId: call.providerCallId };
    },
    /**
     * Twilio's way for a caller in a <Dial>: the live call is redirected (Calls API, `Url`) to the
     * waiting loop, which plays the hold music; leaving the <Dial> ends the agent's leg. Resuming
     * redirects it again, and the loop dials the same agent back in on a new leg.
     */
    async hold(input, ctx) {
      const reaction = await ctx.platform.calls.changeHold(input, async (call) => {
        if (call.direction !== 'in') throw new ConflictError('on this platform only an incoming call can be put on hold');
        await updateLiveCall(ctx, call.providerCallId, { url: twimlUrls(ctx).wait() });
        return input.on ? 'agent-leg-dropped' : 'agent-rings-again';
      });
      await publishSignals(ctx, reaction.signals);
    },
  },
  events: {
    kinds: ['conversation.assigned', 'conversation.transferred', 'conversation.queued'],
    async handle(event, ctx) {
      const conversationId = (event.payload.conversation as { id?: string } | undefined)?.id;
      if (!conversationId) return;
      const reaction = await ctx.platform.calls.followAssignment(conversationId);
      await publishSignals(ctx, reaction.signals);
      if (!reaction.call || reaction.instructions.length === 0) return;
      // The caller is in the waiting loop or a <Dial>: send the call to the loop, which rings whoever is due now.
      await updateLiveCall(ctx, reaction.call.providerCallId, { url: twimlUrls(ctx).wait() });
    },
  },
});
