import { z } from 'zod';
import type { RoutingFacts } from '../facts.js';

/** Inside (open: true) or outside (open: false) a calendar's hours, named directly or as a group's calendar. */
export const businessHoursCondition = z
  .object({
    type: z.literal('business_hours'),
    calendarId: z.string().optional(),
    groupId: z.string().optional(),
    open: z.boolean(),
  })
  .refine((c) => Boolean(c.calendarId) !== Boolean(c.groupId), { message: 'name calendarId or groupId, not both' });

export type BusinessHoursCondition = z.infer<typeof businessHoursCondition>;

/** A condition on a calendar that does not exist never matches. */
export function matchesBusinessHours(condition: BusinessHoursCondition, facts: RoutingFacts): boolean {
  const open = facts.isOpen({ calendarId: condition.calendarId, groupId: condition.groupId });
  return open !== undefined && open === condition.open;
}
