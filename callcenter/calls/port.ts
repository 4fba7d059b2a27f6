import { randomUUID } from 'node:crypto';
import type { CallCenterPort, CallCenterProvider, CallView, Reaction } from '../../core/connector/call-center-port.js';
import { callCenterSettingsSchema, type CallCenterSettings } from '../../core/connector/call-center-settings.js';
import type { Db } from '../../core/db/database.js';
import type { Call } from '../../core/db/schema.js';
import { callArrived, keyPressed } from './arrival.js';
import { callEnded } from './ended.js';
import { changeHold } from './hold.js';
import { outboundAgentAnswered, placeOutboundCall } from './outbound.js';
import { bridgeOpened, recordingFinished, recordingReady, recordingStarted } from './recordings.js';
import { whatNow } from './replay.js';
import { reported } from './reported.js';
import { agentAnswered, agentLegEnded, followAssignment } from './ringing.js';
import type { CallScope, Outcome } from './scope.js';
import { findCall } from './store.js';
import { checkWaiting, firstWaitingCheck } from './waiting.js';

/** A call as a phone connector sees it: what it needs to carry out instructions, not the whole record. */
export function callView(call: Call): CallView {
  return {
    id: call.id,
    providerCallId: call.provider_call_id,
    direction: call.direction,
    state: call.state,
    fromNumber: call.from_number,
    toNumber: call.to_number,
    agentId: call.agent_id,
    agentLegId: call.agent_leg_id,
    bridgeId: call.bridge_id,
  };
}

const reaction = (outcome: Outcome): Reaction => ({
  call: outcome.call && callView(outcome.call),
  instructions: outcome.instructions,
  signals: outcome.signals,
});

/**
 * The call center as the phone connectors ask it (core/connector/call-center-port.ts): the
 * composition root hands this to the connector machinery, which binds it to each phone channel
 * (its company, its id, its settings) when it builds the channel's context.
 */
export function callCenterPorts(db: Db): CallCenterProvider {
  return (channel, settings, logger) => {
    let config: CallCenterSettings | undefined;
    // The settings are read at the first question: most contexts built for a channel ask none.
    const ctx: CallScope = {
      db,
      channel: { id: channel.id, tenantId: channel.tenantId },
      logger,
      get config() {
        config ??= callCenterSettingsSchema.parse(settings);
        return config;
      },
    };
    const port: CallCenterPort = {
      callArrived: async (input) => reaction(await callArrived(ctx, input)),
      keyPressed: async (providerCallId, key, options) => reaction(await keyPressed(ctx, providerCallId, key, options)),
      checkWaiting: async (providerCallId, loopSeconds) => {
        const outcome = await checkWaiting(ctx, providerCallId, loopSeconds);
        return outcome && reaction(outcome);
      },
      firstWaitingCheck: () => firstWaitingCheck(ctx.config),
      whatNow: async (providerCallId) => reaction(await whatNow(ctx, providerCallId)),
      followAssignment: async (conversationId) => reaction(await followAssignment(ctx, conversationId)),
      agentAnswered: async (legId) => reaction(await agentAnswered(ctx, legId)),
      agentLegEnded: async (legId, cause) => reaction(await agentLegEnded(ctx, legId, cause)),
      callEnded: async (providerCallId, cause) => reaction(await callEnded(ctx, providerCallId, cause)),
      placeOutboundCall: async (input) => reaction(await placeOutboundCall(ctx, input)),
      outboundAgentAnswered: async (providerCallId) => reaction(await outboundAgentAnswered(ctx, providerCallId)),
      changeHold: async (input, perform) =>
        reaction(
          await changeHold(ctx, input, async (call, customerSide) => {
            const effect = await perform(callView(call), customerSide);
            // The platform dropped the agent's leg to hold (Twilio); taking the caller back rings the agent on a new one.
            if (effect === 'agent-leg-dropped') return { agent_leg_id: null };
            if (effect === 'agent-rings-again') return { state: 'ringing', agent_leg_id: randomUUID() };
            return undefined;
          }),
        ),
      recordingReady: (providerCallId, reference) => recordingReady(ctx, providerCallId, reference),
      recordingFinished: (reference) => recordingFinished(ctx, reference),
      recordingStarted: (providerCallId, reference) => recordingStarted(ctx, providerCallId, reference),
      bridgeOpened: (providerCallId, bridgeId) => bridgeOpened(ctx, providerCallId, bridgeId),
      callOf: async (providerCallId) => {
        const call = await findCall(db, channel.id, { providerCallId });
        return call && callView(call);
      },
      callOfLeg: async (legId) => {
        const call = await findCall(db, channel.id, { legId });
        return call && callView(call);
      },
      reported: (report) => reported(ctx, report),
    };
    return port;
  };
}
