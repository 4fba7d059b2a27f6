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

/**
 * A rule from the form: keywords and channel types to match, a group and a priority to set. When
 * an existing rule is edited, what the form does not show (other conditions, other actions) is kept.
 */
export function ruleFromForm(
  form: { keywords: string; channelTypes: readonly string[]; groupId: string; priority: string },
  before?: { conditions: readonly RuleCondition[]; actions: RuleActions },
): {
  conditions: RuleCondition[];
  actions: RuleActions;
} {
  const conditions: RuleCondition[] = (before?.conditions ?? []).filter((c) => !shownInForm(c));
  const keywords = splitList(form.keywords);
  if (keywords.length) conditions.push({ type: 'keyword', anyOf: keywords });
  if (form.channelTypes.length) conditions.push({ type: 'channel', channelTypes: [...form.channelTypes] });
  const { groupId: _group, priority: _priority, ...kept } = before?.actions ?? {};
  const actions: RuleActions = { ...kept };
  if (form.groupId) actions.groupId = form.groupId;
  const priority = Number.parseInt(form.priority, 10);
  if (Number.isFinite(priority) && priority !== 0) actions.priority = Math.max(-100, Math.min(100, priority));
  return { conditions, actions };
}

/** The conditions the form edits: keyword lists and channel types (not patterns or channel ids). */
function shownInForm(condition: RuleCondition): boolean {
  if (condition.type === 'keyword') return !condition.pattern;
  if (condition.type === 'channel') return !condition.channelIds?.length;
  return false;
}

/** The form's starting values for a rule. */
export function formFromRule(rule: { conditions: readonly RuleCondition[]; actions: RuleActions }): {
  keywords: string;
  channelTypes: string[];
  groupId: string;
  priority: string;
} {
  const keywords = rule.conditions.flatMap((c) => (c.type === 'keyword' && !c.pattern ? (c.anyOf ?? []) : []));
  const channelTypes = rule.conditions.flatMap((c) => (c.type === 'channel' && !c.channelIds?.length ? (c.channelTypes ?? []) : []));
  return {
    keywords: keywords.join(', '),
    channelTypes,
    groupId: rule.actions.groupId ?? '',
    priority: rule.actions.priority ? String(rule.actions.priority) : '',
  };
}
