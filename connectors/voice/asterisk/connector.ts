import { z } from 'zod';
import { callCenterSettings } from '../../../core/connector/call-center-settings.js';
import { defineConnector, secret } from '../../../core/connector/define.js';
import { ConnectorError } from '../../../core/connector/errors.js';
import { publishSignals } from '../calls/publish-signals.js';
import { normalizeCallSignal } from '../../../core/domain/call-signals.js';
import { performOnAsterisk } from './control.js';
import { ariClientFor, runAsteriskLoop } from './events-loop.js';
import { asteriskLabels } from './labels.js';

export const asteriskConfig = z.object({
  ariUrl: z.url({ protocol: /^https?$/ }).describe("ARI's base address, e.g. http://pbx:8088/ari"),
  ariUser: z.string().min(1),
  ariPassword: secret(z.string().min(1)),
  app: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('switchboard')
    .describe('The Stasis application calls enter'),
  sipTechnology: z.enum(['PJSIP', 'SIP']).default('PJSIP'),
  mobileDial: z.string().includes('{number}').default('PJSIP/{number}@trunk').describe("How a mobile number is dialled; {number} is the agent's number"),
  musicClass: z.string().optional(),
  ...callCenterSettings,
});
export type AsteriskConfig = z.infer<typeof asteriskConfig>;

/** Asterisk through its REST Interface: calls enter the Stasis application and Switchboard drives them. */
export default defineConnector({
  type: 'voice-asterisk',
  displayName: 'Phone (Asterisk)',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#c2410c"/><path d="M8.6 5.5c.4 0 .7.2.9.6l1 2.4c.1.4 0 .8-.3 1.1l-1 .9a9 9 0 0 0 4.3 4.3l.9-1c.3-.3.7-.4 1.1-.3l2.4 1c.4.2.6.5.6.9v2.1c0 .6-.5 1-1 1A12.5 12.5 0 0 1 5.5 6.5c0-.5.4-1 1-1z" fill="#fff"/></svg>',
    name: { en: 'Phone (Asterisk)', zh: '电话（Asterisk）' },
  },
  description: 'Calls entering an Asterisk Stasis application: phone menu, queues, ringing agents, recordings.',
  descriptionZh: '进入 Asterisk Stasis 应用的来电：语音导航、排队、振铃坐席、录音。',
  capabilities: { receive: ['event'], send: [], calls: true, conversationKind: 'voice' },
  config: asteriskConfig,
  labels: asteriskLabels,
  endpoints: { ariUrl: ['ariPassword'] },
  inbound: { kind: 'pull', run: runAsteriskLoop },
  normalize: normalizeCallSignal,
  send: async () => {
    throw ConnectorError.permanent('a phone channel carries calls, not written replies');
  },
  voice: {
    async recording(reference, ctx) {
      if (!reference.startsWith('ari:')) throw ConnectorError.permanent('not a recording of this platform');
      return ariClientFor(ctx).recordingFile(reference.slice(4));
    },
    async dial(input, ctx) {
      const reaction = await ctx.platform.calls.placeOutboundCall(input);
      await publishSignals(ctx, reaction.signals);
      await performOnAsterisk(ctx, ariClientFor(ctx), reaction.call!, reaction.instructions);
      return { providerCallId: reaction.call!.providerCallId };
    },
    async hold(input, ctx) {
      const ari = ariClientFor(ctx);
      const reaction = await ctx.platform.calls.changeHold(input, async (_call, customer) => {
        await (input.on ? ari.hold(customer) : ari.unhold(customer));
        return undefined;
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
      if (reaction.call && reaction.instructions.length) await performOnAsterisk(ctx, ariClientFor(ctx), reaction.call, reaction.instructions);
    },
  },
});
