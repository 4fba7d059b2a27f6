import { z } from 'zod';
import { conditionSchema, matchesCondition } from './conditions/index.js';
import type { RoutingFacts } from './facts.js';

/** What a matching rule does with the conversation. */
export const ruleActionsSchema = z.object({
  groupId: z.string().uuid().optional(),
  requiredSkills: z.array(z.object({ skillId: z.string().uuid(), minLevel: z.number().int().min(1).max(5) })).optional(),
  priority: z.number().int().min(-100).max(100).optional(),
  agentId: z.string().uuid().optional(),
  autoReply: z.string().min(1).max(4000).optional(),
});

export type RuleActions = z.infer<typeof ruleActionsSchema>;

export const ruleSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** All must hold; none at all makes a rule that always matches (a default at the end). */
  conditions: z.array(conditionSchema),
  actions: ruleActionsSchema,
});

export type RoutingRule = z.infer<typeof ruleSchema>;

export function ruleMatches(rule: RoutingRule, facts: RoutingFacts): boolean {
  return rule.conditions.every((condition) => matchesCondition(condition, facts));
}

/** Rules in order; the first that matches wins. */
export function firstMatchingRule(rules: readonly RoutingRule[], facts: RoutingFacts): RoutingRule | undefined {
  return rules.find((rule) => ruleMatches(rule, facts));
}
