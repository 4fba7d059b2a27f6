import { z } from 'zod';
import type { RoutingFacts } from '../facts.js';

/** The channel the message came in on, by id or by type (`web`, `wechat`, `email`, …). */
export const channelCondition = z
  .object({
    type: z.literal('channel'),
    channelIds: z.array(z.string()).optional(),
    channelTypes: z.array(z.string()).optional(),
  })
  .refine((c) => c.channelIds?.length || c.channelTypes?.length, { message: 'name channelIds or channelTypes' });

export type ChannelCondition = z.infer<typeof channelCondition>;

export function matchesChannel(condition: ChannelCondition, facts: RoutingFacts): boolean {
  if (condition.channelIds?.length && !condition.channelIds.includes(facts.channel.id)) return false;
  if (condition.channelTypes?.length && !condition.channelTypes.includes(facts.channel.type)) return false;
  return true;
}
