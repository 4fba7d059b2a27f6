import { z } from 'zod';
import type { RoutingFacts } from '../facts.js';

const isValidPattern = (pattern: string) => {
  try {
    new RegExp(pattern, 'iu');
    return true;
  } catch {
    return false;
  }
};

/**
 * Words in the message (substring, any case: it works for Chinese, which has no spaces) or a
 * regular expression (case-insensitive).
 */
export const keywordCondition = z
  .object({
    type: z.literal('keyword'),
    anyOf: z.array(z.string().min(1)).optional(),
    pattern: z.string().min(1).refine(isValidPattern, { message: 'not a valid regular expression' }).optional(),
  })
  .refine((c) => c.anyOf?.length || c.pattern, { message: 'name anyOf or pattern' });

export type KeywordCondition = z.infer<typeof keywordCondition>;

const compiled = new Map<string, RegExp>();

function regex(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'iu');
    compiled.set(pattern, re);
  }
  return re;
}

export function matchesKeyword(condition: KeywordCondition, facts: RoutingFacts): boolean {
  const text = facts.text.toLowerCase();
  if (condition.anyOf?.length && !condition.anyOf.some((word) => text.includes(word.toLowerCase()))) return false;
  if (condition.pattern && !regex(condition.pattern).test(facts.text)) return false;
  return true;
}
