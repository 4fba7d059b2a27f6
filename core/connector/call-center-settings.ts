import { z } from 'zod';
import { promptSchema, type Prompt } from '../domain/phone-prompts.js';

/**
 * Settings every phone channel has, whatever the platform: a phone connector spreads them into its
 * configuration, and the call center reads them from the channel's settings (call-center-port.ts).
 */
export const callCenterSettings = {
  ivrFlowId: z.uuid().optional().describe('The phone menu callers hear first'),
  defaultGroupId: z.uuid().optional().describe('The queue callers go to when there is no phone menu'),
  ringSeconds: z.number().int().min(5).max(120).default(20).describe("How long an agent's phone rings"),
  recordCalls: z.boolean().default(true).describe('Record answered calls'),
  voicemailSeconds: z.number().int().min(10).max(600).default(120),
  outboundCallerId: z.string().max(64).optional().describe('The number customers see on outbound calls'),
  announcePositionSeconds: z.number().int().min(2).max(600).optional().describe('Tell a waiting caller their place in line this often'),
  maxWaitSeconds: z.number().int().min(2).max(7200).optional().describe('The longest a caller waits in a queue before being offered the way out'),
  maxWaitAction: z.enum(['voicemail', 'callback']).default('voicemail').describe('After the longest wait: leave a voicemail, or press 1 for a callback'),
  callbackOfferPrompt: promptSchema.optional().describe('What a caller hears when offered a callback (press 1)'),
  satisfactionSurvey: z.boolean().default(false).describe('After the agent hangs up, ask the caller to rate the call on the keypad (1 to 5)'),
  surveyPrompt: promptSchema.optional().describe('The rating question the caller hears (Asterisk plays sounds only: give a sound there)'),
};

export interface CallCenterSettings {
  ivrFlowId?: string | undefined;
  defaultGroupId?: string | undefined;
  ringSeconds: number;
  recordCalls: boolean;
  voicemailSeconds: number;
  outboundCallerId?: string | undefined;
  announcePositionSeconds?: number | undefined;
  maxWaitSeconds?: number | undefined;
  maxWaitAction?: 'voicemail' | 'callback' | undefined;
  callbackOfferPrompt?: Prompt | undefined;
  satisfactionSurvey?: boolean | undefined;
  surveyPrompt?: Prompt | undefined;
  /** The language of spoken text prompts (a channel that speaks text has it): Chinese gets the built-in prompts in Chinese. */
  language?: string | undefined;
}

/**
 * A channel's call-center settings from its whole configuration: what the phone connector's schema
 * parsed, or (a channel whose platform routes calls itself, like a reporting PBX) the defaults.
 */
export const callCenterSettingsSchema = z.object({ ...callCenterSettings, language: z.string().max(20).optional() });
