import type { CallState, PhoneStatus } from '../db/schema.js';
import type { CallSignal } from '../domain/call-signals.js';
import type { Prompt } from '../domain/phone-prompts.js';
import type { Logger } from '../log/logger.js';

/**
 * What a phone connector may ask the call center (the `callcenter/` module), for its own channel:
 * the calls, the phone menu, the queue, ringing agents, hold, the survey and callbacks are the
 * module's; the connector reports what happened on the platform and carries out the answer. Each
 * question takes plain inputs and returns a `Reaction`: the instructions to carry out on the
 * platform (TwiML, ARI requests, nothing for a PBX that only reports), the signals to publish, and
 * the call as it is now. Every question is bound to the channel's company and the channel, so a
 * connector cannot touch another company's calls by a wrong id; each step locks the call, so two
 * webhooks or events about one call never interleave, and a replayed one finds its step taken.
 */
export interface CallCenterPort {
  /** A call came in: it is answered and walks the phone menu (or goes to the default queue). */
  callArrived(input: { providerCallId: string; from: string; to: string }): Promise<Reaction>;
  /**
   * The caller pressed a key in a menu, or (`key` null) let its time run out; `menuId` is the menu
   * the key answers. A `webhook` that asks again (a retry) gets what it was answered then.
   */
  keyPressed(providerCallId: string, key: string | null, options?: { menuId?: string | undefined; webhook?: boolean }): Promise<Reaction>;
  /**
   * A caller is still waiting: an announcement of their place in line when one is due, or the way
   * out after the longest wait. `loopSeconds` is how long since the last look (a waiting loop's
   * period); undefined for a call that no longer waits.
   */
  checkWaiting(providerCallId: string, loopSeconds?: number): Promise<Reaction | undefined>;
  /** When to look at a new waiter first (seconds), by the channel's settings; undefined: never. */
  firstWaitingCheck(): number | undefined;
  /** What the call needs from the platform now (a webhook asks again, the waiting loop comes round). */
  whatNow(providerCallId: string): Promise<Reaction>;
  /**
   * The router's decision about the conversation reached the call: ring the agent it is assigned
   * to, or hold the caller again. Late or repeated events are harmless.
   */
  followAssignment(conversationId: string): Promise<Reaction>;
  /** The agent's leg was answered: connect them with the caller, or drop a leg no longer wanted. */
  agentAnswered(legId: string): Promise<Reaction>;
  /** The agent's leg ended (not answered, busy, or after talking). */
  agentLegEnded(legId: string, cause: string): Promise<Reaction>;
  /** The caller's side ended: the call is closed with its times and how it ended. */
  callEnded(providerCallId: string, cause: string): Promise<Reaction>;
  /** An outbound call from the console: the agent's phone rings first (`call-agent`). */
  placeOutboundCall(input: { agentId: string; number: string }): Promise<Reaction>;
  /** The agent picked up their side of an outbound call: the customer's number rings. */
  outboundAgentAnswered(providerCallId: string): Promise<Reaction>;
  /**
   * The agent on the call puts the customer on hold (`on`) or takes them off it. `perform` asks
   * the platform while the call is locked, with the customer's side (the caller's channel, or the
   * dialled leg); it says what the platform's way of holding did to the agent's leg (undefined: nothing).
   */
  changeHold(
    input: { callId: string; agentId: string; on: boolean },
    perform: (call: CallView, customerSide: string) => Promise<HoldEffect | undefined>,
  ): Promise<Reaction>;
  /** A recording of the call (the talk, or a voicemail) is ready on the platform as `reference`. */
  recordingReady(providerCallId: string, reference: string): Promise<void>;
  /** A recording the platform was making (`recordingStarted`) is finished. */
  recordingFinished(reference: string): Promise<void>;
  /** The platform records the call as `reference` (a talk's bridge or a voicemail being recorded). */
  recordingStarted(providerCallId: string, reference: string): Promise<void>;
  /** The platform joined the call's sides in `bridgeId`. */
  bridgeOpened(providerCallId: string, bridgeId: string): Promise<void>;
  /** The call the platform knows as `providerCallId`. */
  callOf(providerCallId: string): Promise<CallView | undefined>;
  /** The call whose agent's (or, outbound, customer's) leg is `legId`. */
  callOfLeg(legId: string): Promise<CallView | undefined>;
  /** A PBX that routes by itself reported a call's step: the record follows; returns the signals to publish. */
  reported(report: CallReport): Promise<CallSignal[]>;
}

/** What the call center decided about one happening on a call: what to do, and what to tell the router. */
export interface Reaction {
  call: CallView | undefined;
  instructions: Instruction[];
  signals: CallSignal[];
}

/** A call as a phone connector sees it. */
export interface CallView {
  id: string;
  /** The platform's id of the caller's side (Twilio's CallSid, Asterisk's channel id). */
  providerCallId: string;
  direction: 'in' | 'out';
  state: CallState;
  fromNumber: string;
  toNumber: string;
  agentId: string | null;
  /** The agent's leg on an inbound call; the customer's on an outbound one. */
  agentLegId: string | null;
  bridgeId: string | null;
}

/** What the platform's way of holding did to the agent's leg: dropped it, or rings the agent again on a new one. */
export type HoldEffect = 'agent-leg-dropped' | 'agent-rings-again';

/** A step of a call that a reporting PBX tells of. */
export type CallReport =
  | { event: 'newCall'; callId: string; from: string; to: string; direction: 'in' | 'out'; queue?: string | undefined }
  /** `agentId`: the agent the connector found for the answering number or user names, if any. */
  | { event: 'answer'; callId: string; agentId: string | undefined; answeringNumber?: string | undefined }
  | { event: 'hangup'; callId: string; cause: string };

/**
 * What the call center wants done on a call, the same for every telephony platform. The Asterisk
 * adapter carries these out over ARI's REST interface; the Twilio adapter answers a webhook
 * with them as TwiML (or redirects a live call to get there); a report-only PBX does nothing.
 */
export type Instruction =
  | { op: 'answer' }
  /** Play the menu's prompt and wait up to `timeoutSeconds` for one key. */
  | { op: 'menu'; menuId: string; prompt: Prompt; notice?: Prompt; timeoutSeconds: number }
  /**
   * Waiting music (or silence) until an agent is rung; `position` is the caller's place in line
   * to announce first; `recheckSeconds` is when the call center wants to look at the wait again.
   */
  | { op: 'hold'; announce?: Prompt; position?: number; recheckSeconds?: number }
  /** Ring an agent's phone on a leg of its own; when it answers, it joins the caller. */
  | { op: 'ring'; agentId: string; phone: AgentPhone; legId: string; timeoutSeconds: number; callerNumber: string }
  /** An outbound call starts at the agent: ring their phone on the call's own channel; when they answer, the customer is rung. */
  | { op: 'call-agent'; phone: AgentPhone; channelId: string; timeoutSeconds: number }
  /** Hang up an agent's leg (ringing or talking) and keep the caller. */
  | { op: 'drop-leg'; legId: string }
  /** Connect the answered agent's leg with the caller (and record, when the channel does). */
  | { op: 'connect'; legId: string; record: boolean }
  /** Let the caller leave a message. */
  | { op: 'voicemail'; prompt?: Prompt; maxSeconds: number }
  | { op: 'hangup'; prompt?: Prompt }
  /** Take the customer off the hold an agent put them on (the call moves to another agent). */
  | { op: 'unhold' };

/** Where an agent answers: their phone status and that status's address (SIP endpoint, WebRTC client, mobile number). */
export interface AgentPhone {
  status: Exclude<PhoneStatus, 'offline'>;
  address: string;
}

/**
 * Binds the call center to one channel: what the composition root hands the connector machinery
 * (`ConnectorDeps.callCenter`). `settings` is the channel's whole parsed configuration; the call
 * center reads its own settings from it (call-center-settings.ts).
 */
export type CallCenterProvider = (channel: { id: string; tenantId: string }, settings: Record<string, unknown>, logger: Logger) => CallCenterPort;

const refuse = (): never => {
  throw new Error('this channel has no call center: not a phone channel, or a process that runs none');
};

/** The port of a channel that carries no calls, or of a process that runs no call center: every question is refused. */
export const noCallCenter: CallCenterPort = {
  callArrived: refuse,
  keyPressed: refuse,
  checkWaiting: refuse,
  firstWaitingCheck: refuse,
  whatNow: refuse,
  followAssignment: refuse,
  agentAnswered: refuse,
  agentLegEnded: refuse,
  callEnded: refuse,
  placeOutboundCall: refuse,
  outboundAgentAnswered: refuse,
  changeHold: refuse,
  recordingReady: refuse,
  recordingFinished: refuse,
  recordingStarted: refuse,
  bridgeOpened: refuse,
  callOf: refuse,
  callOfLeg: refuse,
  reported: refuse,
};
