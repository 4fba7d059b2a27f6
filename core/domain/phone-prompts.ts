import { z } from 'zod';

/**
 * What a caller hears: a stored sound (the platform's media name or an attachment) or text for
 * the platform's speech. Phone menus, a channel's call-center settings and the instructions the
 * call center gives a phone connector all carry prompts.
 */
export const promptSchema = z.union([
  z.object({ type: z.literal('sound'), media: z.string().min(1).max(500) }),
  z.object({ type: z.literal('text'), text: z.string().min(1).max(2000), language: z.string().max(20).optional() }),
]);
export type Prompt = z.infer<typeof promptSchema>;
