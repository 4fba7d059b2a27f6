import { z } from 'zod';
import type { RoutingFacts } from '../facts.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A contact attribute (from the CRM or the channel): present, equal to a value, or one of several. */
export const contactAttributeCondition = z
  .object({
    type: z.literal('contact_attribute'),
    key: z.string().min(1),
    exists: z.boolean().optional(),
    equals: scalar.optional(),
    in: z.array(scalar).optional(),
  })
  .refine((c) => c.exists !== undefined || c.equals !== undefined || c.in !== undefined, {
    message: 'say exists, equals or in',
  });

export type ContactAttributeCondition = z.infer<typeof contactAttributeCondition>;

export function matchesContactAttribute(condition: ContactAttributeCondition, facts: RoutingFacts): boolean {
  const value = facts.contact.attributes[condition.key];
  const present = value !== undefined && value !== null;
  if (condition.exists !== undefined && present !== condition.exists) return false;
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.in !== undefined && !condition.in.some((candidate) => candidate === value)) return false;
  return true;
}
