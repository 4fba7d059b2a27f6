import { z } from 'zod';
import type { RoutingFacts } from '../facts.js';

/** The message's language; `zh` matches `zh-CN` and `zh-Hant-TW`, `zh-CN` only itself. */
export const languageCondition = z.object({
  type: z.literal('language'),
  in: z.array(z.string().min(2)).min(1),
});

export type LanguageCondition = z.infer<typeof languageCondition>;

export function matchesLanguage(condition: LanguageCondition, facts: RoutingFacts): boolean {
  if (!facts.language) return false;
  const language = facts.language.toLowerCase().replace(/_/g, '-');
  return condition.in.some((wanted) => {
    const tag = wanted.toLowerCase();
    return language === tag || language.startsWith(`${tag}-`);
  });
}
