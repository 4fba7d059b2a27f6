import type { RequiredSkill } from '../../core/db/schema.js';
import type { RoutingConfig } from './config.js';
import type { RoutingFacts } from './facts.js';
import { firstMatchingRule } from './rule.js';

/** Where a conversation goes and on what terms, as the rules decided. */
export interface RouteDecision {
  ruleId: string | null;
  groupId: string | null;
  requiredSkills: RequiredSkill[];
  priority: number;
  preferredAgentId: string | null;
  autoReply: string | null;
}

/** The first matching rule decides; unnamed parts (and no match at all) fall back to the tenant's default group. */
export function decideRoute(config: Pick<RoutingConfig, 'rules' | 'defaultGroupId'>, facts: RoutingFacts): RouteDecision {
  const rule = firstMatchingRule(config.rules, facts);
  const actions = rule?.actions ?? {};
  return {
    ruleId: rule?.id ?? null,
    groupId: actions.groupId ?? config.defaultGroupId,
    requiredSkills: actions.requiredSkills ?? [],
    priority: actions.priority ?? 0,
    preferredAgentId: actions.agentId ?? null,
    autoReply: actions.autoReply ?? null,
  };
}
