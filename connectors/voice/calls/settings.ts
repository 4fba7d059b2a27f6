import { z } from 'zod';

/** Settings every voice channel has, whatever the platform. */
export const callCenterSettings = {
  ivrFlowId: z.uuid().optional().describe('The phone menu callers hear first'),
  defaultGroupId: z.uuid().optional().describe('The queue callers go to when there is no phone menu'),
  ringSeconds: z.number().int().min(5).max(120).default(20).describe("How long an agent's phone rings"),
  recordCalls: z.boolean().default(true).describe('Record answered calls'),
  voicemailSeconds: z.number().int().min(10).max(600).default(120),
  outboundCallerId: z.string().max(64).optional().describe('The number customers see on outbound calls'),
};

export interface CallCenterSettings {
  ivrFlowId?: string | undefined;
  defaultGroupId?: string | undefined;
  ringSeconds: number;
  recordCalls: boolean;
  voicemailSeconds: number;
  outboundCallerId?: string | undefined;
}
