import type { PhoneStatus } from '../../../core/db/schema.js';
import type { Prompt } from '../../../core/voice/ivr.js';

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

export type Op = Instruction['op'];

/** Where an agent answers: their phone status and that status's address (SIP endpoint, WebRTC client, mobile number). */
export interface AgentPhone {
  status: Exclude<PhoneStatus, 'offline'>;
  address: string;
}
