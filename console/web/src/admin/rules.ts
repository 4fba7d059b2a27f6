import type { RuleActions, RuleCondition } from '../api/types.js';
import { splitList } from '../lib/lists.js';

/** The order after moving the rule at `index` by `delta` (−1 up, +1 down); unchanged at the ends. */
export function moveRule(ids: readonly string[], index: number, delta: -1 | 1): string[] {
  const target = index + delta;
  if (index < 0 || index >= ids.length || target < 0 || target >= ids.length) return [...ids];
  const next = [...ids];
  [next[index], next[target]] = [next[target]!, next[index]!];
  return next;
}


/** A rule from the simple form: keywords and channel types to match, a group and a priority to set. */
export function ruleFromForm(form: { keywords: string; channelTypes: string; groupId: string; priority: string }): {
  conditions: RuleCondition[];
  actions: RuleActions;
} {
  const conditions: RuleCondition[] = [];
  const keywords = splitList(form.keywords);
  if (keywords.length) conditions.push({ type: 'keyword', anyOf: keywords });
  const channelTypes = splitList(form.channelTypes);
  if (channelTypes.length) conditions.push({ type: 'channel', channelTypes });
  const actions: RuleActions = {};
  if (form.groupId) actions.groupId = form.groupId;
  const priority = Number.parseInt(form.priority, 10);
  if (Number.isFinite(priority) && priority !== 0) actions.priority = Math.max(-100, Math.min(100, priority));
  return { conditions, actions };
}
