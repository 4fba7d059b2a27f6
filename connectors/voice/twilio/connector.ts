import { z } from 'zod';
import { defineConnector, secret } from '../../../core/connector/define.js';
import { ConnectorError } from '../../../core/connector/errors.js';
import { followAssignment } from '../calls/call-center.js';
import { publishSignals } from '../calls/publish-signals.js';
import { callCenterSettings } from '../calls/settings.js';
import { normalizeCallSignal } from '../calls/signals.js';
import { fetchRecording, updateLiveCall } from './rest.js';
import { twilioRoutes, twimlUrls } from './routes.js';

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
  description: "Calls to a Twilio number: set its Voice URL to /hooks/<channel>/twilio/voice and its status callback to /hooks/<channel>/twilio/status.",
  capabilities: { receive: ['event'], send: [], calls: true, conversationKind: 'voice' },
  config: twilioConfig,
  inbound: { kind: 'http', routes: twilioRoutes },
  normalize: normalizeCallSignal,
  send: async () => {
    throw ConnectorError.permanent('a phone channel carries calls, not written replies');
  },
  voice: {
    async recording(reference, ctx) {
      if (!reference.startsWith('twilio:')) throw ConnectorError.permanent('not a recording of this platform');
      return fetchRecording(ctx.config, reference.slice(7));
    },
  },
  events: {
    kinds: ['conversation.assigned', 'conversation.transferred', 'conversation.queued'],
    async handle(event, ctx) {
      const conversationId = (event.payload.conversation as { id?: string } | undefined)?.id;
      if (!conversationId) return;
      const reaction = await followAssignment(ctx, conversationId);
      await publishSignals(ctx, reaction.signals);
      if (!reaction.call || reaction.instructions.length === 0) return;
      // The caller is in the waiting loop or a <Dial>: send the call to the loop, which rings whoever is due now.
      await updateLiveCall(ctx.config, reaction.call.provider_call_id, { url: twimlUrls(ctx).wait() });
    },
  },
});
