import { z } from 'zod';
import type { RoutingFacts } from '../facts.js';

/**
 * An event the message carries, by name, optionally with its key: a WeChat menu click
 * (`wechat.click`, key = the button's EventKey), a follow from a QR code (`wechat.subscribe`,
 * key = the scene).
 */
export const eventCondition = z.object({
  type: z.literal('event'),
  name: z.string().min(1).max(100),
  key: z.string().min(1).max(1000).optional(),
});

export type EventCondition = z.infer<typeof eventCondition>;

export function matchesEvent(condition: EventCondition, facts: RoutingFacts): boolean {
  return (facts.events ?? []).some((e) => e.name === condition.name && (condition.key === undefined || e.data?.key === condition.key));
}
