import { z } from 'zod';
import type { RoutingFacts } from '../facts.js';

/** The contact's tags (e.g. VIP), compared without regard to case. */
export const contactTagCondition = z
  .object({
    type: z.literal('contact_tag'),
    anyOf: z.array(z.string()).optional(),
    allOf: z.array(z.string()).optional(),
    noneOf: z.array(z.string()).optional(),
  })
  .refine((c) => c.anyOf?.length || c.allOf?.length || c.noneOf?.length, { message: 'name anyOf, allOf or noneOf' });

export type ContactTagCondition = z.infer<typeof contactTagCondition>;

export function matchesContactTag(condition: ContactTagCondition, facts: RoutingFacts): boolean {
  const tags = new Set(facts.contact.tags.map((t) => t.toLowerCase()));
  const has = (tag: string) => tags.has(tag.toLowerCase());
  if (condition.anyOf?.length && !condition.anyOf.some(has)) return false;
  if (condition.allOf?.length && !condition.allOf.every(has)) return false;
  if (condition.noneOf?.length && condition.noneOf.some(has)) return false;
  return true;
}
