import { useEffect, useState } from 'react';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES, type Automation } from '../api/tickets.js';
import type { CannedResponse } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { useTeam } from './useTeam.js';

// What the server's automation schema accepts (tickets/rules.ts), as choices for the form.
export const TRIGGER_EVENTS = ['ticket.created', 'ticket.updated', 'customer.replied', 'sla.warning', 'sla.breached'] as const;
const SLA_METRICS = ['firstResponse', 'nextResponse', 'resolution'] as const;
const FIELDS = [
  'status',
  'priority',
  'type',
  'group_id',
  'assignee_id',
  'tags',
  'subject',
  'source',
  'sla_metric',
  'hours_since_status_change',
  'hours_since_update',
  'hours_since_created',
] as const;
type Field = (typeof FIELDS)[number];
type Op = 'is' | 'is_not' | 'contains' | 'not_contains' | 'gte' | 'lte' | 'changed' | 'changed_to';
const OPS: Record<Field, Op[]> = {
  status: ['is', 'is_not', 'changed', 'changed_to'],
  priority: ['is', 'is_not', 'changed', 'changed_to'],
  type: ['is', 'is_not', 'changed', 'changed_to'],
  group_id: ['is', 'is_not', 'changed', 'changed_to'],
  assignee_id: ['is', 'is_not', 'changed', 'changed_to'],
  tags: ['contains', 'not_contains'],
  subject: ['contains', 'not_contains', 'is'],
  source: ['is', 'is_not'],
  sla_metric: ['is', 'is_not'],
  hours_since_status_change: ['gte', 'lte'],
  hours_since_update: ['gte', 'lte'],
  hours_since_created: ['gte', 'lte'],
};
const SOURCES = ['conversation', 'call', 'email', 'api', 'manual'] as const;
const ACTION_TYPES = ['set_status', 'set_priority', 'set_type', 'assign', 'add_tag', 'remove_tag', 'notify', 'reply', 'ai_classify'] as const;
/** What an `ai_classify` action can ask the company's model for. */
const AI_ASKS = ['intent', 'tag', 'priority', 'language', 'sentiment'] as const;
type AiAsk = (typeof AI_ASKS)[number];
type ActionType = (typeof ACTION_TYPES)[number];

export interface ConditionRow {
  field: Field;
  op: Op;
  value?: string | number | null;
  /** How an `hours_since_…` value is shown in the form; the server always gets hours. */
  unit?: 'hours' | 'days';
}
export interface ActionRow {
  type: ActionType;
  value?: string;
  assigneeId?: string | null;
  groupId?: string | null;
  /** The tag of add_tag/remove_tag; for ai_classify, whether the model picks tags. */
  tag?: string | boolean;
  to?: 'assignee' | 'followers' | 'group';
  text?: string;
  cannedResponseId?: string;
  intent?: boolean;
  priority?: boolean;
  language?: boolean;
  sentiment?: boolean;
}
export interface AutomationDraft {
  name: string;
  kind: 'trigger' | 'time';
  events: string[];
  conditions: ConditionRow[];
  actions: ActionRow[];
}

export const emptyDraft = (): AutomationDraft => ({ name: '', kind: 'trigger', events: [], conditions: [], actions: [{ type: 'add_tag', tag: '' }] });

/** An automation as the server keeps it, as rows for the form. */
export function draftOf(automation: Automation): AutomationDraft {
  return {
    name: automation.name,
    kind: automation.kind,
    events: automation.events,
    conditions: (automation.conditions as ConditionRow[]).map((c) =>
      isHours(c.field) ? { ...c, unit: typeof c.value === 'number' && c.value > 0 && c.value % 24 === 0 ? 'days' : 'hours' } : c,
    ),
    actions: automation.actions as ActionRow[],
  };
}

/** The rows as the server's schema takes them: only the keys each kind of row has. */
export function bodyOf(draft: AutomationDraft): Pick<Automation, 'name' | 'kind' | 'events' | 'conditions' | 'actions'> {
  const conditions = draft.conditions.map((c) => (c.op === 'changed' ? { field: c.field, op: c.op } : { field: c.field, op: c.op, value: c.value ?? null }));
  const actions = draft.actions.map((a) => {
    switch (a.type) {
      case 'set_status':
      case 'set_priority':
      case 'set_type':
        return { type: a.type, value: a.value ?? '' };
      case 'assign':
        return { type: a.type, ...(a.assigneeId ? { assigneeId: a.assigneeId } : {}), ...(a.groupId ? { groupId: a.groupId } : {}) };
      case 'add_tag':
      case 'remove_tag':
        return { type: a.type, tag: typeof a.tag === 'string' ? a.tag : '' };
      case 'notify':
        return { type: a.type, to: a.to ?? 'assignee', text: a.text ?? '' };
      case 'ai_classify':
        return { type: a.type, ...Object.fromEntries(AI_ASKS.map((k) => [k, a[k] === true])) };
      case 'reply':
        return { type: a.type, ...(a.cannedResponseId ? { cannedResponseId: a.cannedResponseId } : { text: a.text ?? '' }) };
      default:
        throw new Error(`no such action: ${a.type satisfies never}`);
    }
  });
  return { name: draft.name.trim(), kind: draft.kind, events: draft.kind === 'trigger' ? draft.events : [], conditions, actions };
}

/** A new action row of a kind, with the first choice filled in. */
function freshAction(type: ActionType): ActionRow {
  switch (type) {
    case 'set_status':
      return { type, value: 'open' };
    case 'set_priority':
      return { type, value: 'normal' };
    case 'set_type':
      return { type, value: 'question' };
    case 'assign':
      return { type, assigneeId: null, groupId: null };
    case 'notify':
      return { type, to: 'assignee', text: '' };
    case 'reply':
      return { type, text: '' };
    case 'ai_classify':
      return { type, intent: true, tag: true, priority: true, language: true, sentiment: true };
    default:
      return { type, tag: '' };
  }
}

const isHours = (field: Field) => field.startsWith('hours_since_');

function freshCondition(field: Field): ConditionRow {
  const op = OPS[field][0]!;
  if (isHours(field)) return { field, op, value: 24, unit: 'hours' };
  if (field === 'status') return { field, op, value: 'open' };
  if (field === 'priority') return { field, op, value: 'normal' };
  if (field === 'type') return { field, op, value: 'question' };
  if (field === 'sla_metric') return { field, op, value: 'firstResponse' };
  if (field === 'source') return { field, op, value: 'email' };
  return { field, op, value: field === 'group_id' || field === 'assignee_id' ? null : '' };
}

/**
 * Builds an automation from rows: the trigger (events, or a time rule), conditions (field,
 * operator, a value fitting the field) and actions (each kind with its own inputs).
 */
export function AutomationForm({ draft, onChange }: { draft: AutomationDraft; onChange(draft: AutomationDraft): void }) {
  const { t } = useI18n();
  const { client } = useApi();
  const { agents, groups } = useTeam();
  const [templates, setTemplates] = useState<CannedResponse[]>([]);
  useEffect(() => {
    let current = true;
    client.get<{ cannedResponses: CannedResponse[] }>('/canned-responses').then(
      (c) => current && setTemplates(c.cannedResponses),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client]);

  const setCondition = (index: number, row: ConditionRow) => onChange({ ...draft, conditions: draft.conditions.map((c, i) => (i === index ? row : c)) });
  const setAction = (index: number, row: ActionRow) => onChange({ ...draft, actions: draft.actions.map((a, i) => (i === index ? row : a)) });
  const moveAction = (index: number, by: -1 | 1) => {
    const actions = [...draft.actions];
    const [row] = actions.splice(index, 1);
    actions.splice(index + by, 0, row!);
    onChange({ ...draft, actions });
  };

  const choice = (value: string, label: string) => (
    <option key={value} value={value}>
      {label}
    </option>
  );
  const statusOptions = TICKET_STATUSES.map((s) => choice(s, t(`ticketStatus.${s}`)));
  const priorityOptions = TICKET_PRIORITIES.map((p) => choice(p, t(`priority.${p}`)));
  const typeOptions = TICKET_TYPES.map((p) => choice(p, t(`ticketType.${p}`)));

  const conditionValue = (row: ConditionRow, index: number) => {
    if (row.op === 'changed') return null;
    const label = t('automation.conditionValue', { n: index + 1 });
    const text = row.value === null || row.value === undefined ? '' : String(row.value);
    const set = (value: string | number | null) => setCondition(index, { ...row, value });
    const select = (options: React.ReactNode, empty?: string) => (
      <select aria-label={label} value={text} onChange={(e) => set(e.target.value === '' ? null : e.target.value)}>
        {empty !== undefined && <option value="">{empty}</option>}
        {options}
      </select>
    );
    switch (row.field) {
      case 'status':
        return select(statusOptions);
      case 'priority':
        return select(priorityOptions);
      case 'type':
        return select(typeOptions, t('automation.none'));
      case 'group_id':
        return select(
          groups.map((g) => choice(g.id, g.name)),
          t('automation.none'),
        );
      case 'assignee_id':
        return select(
          agents.map((a) => choice(a.id, a.name)),
          t('automation.nobody'),
        );
      case 'sla_metric':
        return select(SLA_METRICS.map((m) => choice(m, t(`sla.${m}`))));
      case 'source':
        return select(SOURCES.map((s) => choice(s, t(`automation.source.${s}` as MessageKey))));
      case 'hours_since_status_change':
      case 'hours_since_update':
      case 'hours_since_created': {
        const per = row.unit === 'days' ? 24 : 1;
        const shown = typeof row.value === 'number' ? String(row.value / per) : '';
        return (
          <>
            <input
              aria-label={label}
              type="number"
              min={0}
              step="any"
              required
              value={shown}
              onChange={(e) => set(e.target.value === '' ? null : Number((Number(e.target.value) * per).toFixed(4)))}
            />
            <select
              aria-label={t('automation.conditionUnit', { n: index + 1 })}
              value={row.unit ?? 'hours'}
              onChange={(e) => {
                const unit = e.target.value as 'hours' | 'days';
                // The number typed stays; what it counts changes.
                setCondition(index, {
                  ...row,
                  unit,
                  value: typeof row.value === 'number' ? Number(((row.value / per) * (unit === 'days' ? 24 : 1)).toFixed(4)) : row.value,
                });
              }}
            >
              {choice('hours', t('automation.unit.hours'))}
              {choice('days', t('automation.unit.days'))}
            </select>
          </>
        );
      }
      default:
        return <input aria-label={label} required maxLength={200} value={text} onChange={(e) => set(e.target.value)} />;
    }
  };

  const actionInputs = (row: ActionRow, index: number) => {
    const n = index + 1;
    const set = (patch: Partial<ActionRow>) => setAction(index, { ...row, ...patch });
    switch (row.type) {
      case 'set_status':
      case 'set_priority':
      case 'set_type':
        return (
          <select aria-label={t('automation.actionValue', { n })} value={row.value ?? ''} onChange={(e) => set({ value: e.target.value })}>
            {row.type === 'set_status' ? statusOptions : row.type === 'set_priority' ? priorityOptions : typeOptions}
          </select>
        );
      case 'assign':
        return (
          <>
            <select aria-label={t('automation.actionAgent', { n })} value={row.assigneeId ?? ''} onChange={(e) => set({ assigneeId: e.target.value || null })}>
              <option value="">{t('automation.keepAgent')}</option>
              {agents.map((a) => choice(a.id, a.name))}
            </select>
            <select aria-label={t('automation.actionGroup', { n })} value={row.groupId ?? ''} onChange={(e) => set({ groupId: e.target.value || null })}>
              <option value="">{t('automation.keepGroup')}</option>
              {groups.map((g) => choice(g.id, g.name))}
            </select>
          </>
        );
      case 'add_tag':
      case 'remove_tag':
        return (
          <input
            aria-label={t('automation.actionTag', { n })}
            required
            maxLength={50}
            value={typeof row.tag === 'string' ? row.tag : ''}
            onChange={(e) => set({ tag: e.target.value })}
          />
        );
      case 'ai_classify':
        return (
          <fieldset aria-label={t('automation.actionAsk', { n })}>
            {AI_ASKS.map((ask: AiAsk) => (
              <label key={ask}>
                <input type="checkbox" checked={row[ask] === true} onChange={(e) => set({ [ask]: e.target.checked })} /> {t(`automation.ai.${ask}`)}
              </label>
            ))}
          </fieldset>
        );
      case 'notify':
        return (
          <>
            <select aria-label={t('automation.actionTo', { n })} value={row.to ?? 'assignee'} onChange={(e) => set({ to: e.target.value as ActionRow['to'] })}>
              {(['assignee', 'followers', 'group'] as const).map((to) => choice(to, t(`automation.to.${to}`)))}
            </select>
            <input
              aria-label={t('automation.actionText', { n })}
              required
              maxLength={1000}
              value={row.text ?? ''}
              onChange={(e) => set({ text: e.target.value })}
            />
          </>
        );
      case 'reply':
        return (
          <>
            <select
              aria-label={t('automation.actionTemplate', { n })}
              value={row.cannedResponseId ?? ''}
              onChange={(e) => set({ cannedResponseId: e.target.value || undefined, ...(e.target.value ? { text: undefined } : {}) })}
            >
              <option value="">{t('automation.ownText')}</option>
              {templates.map((c) => choice(c.id, c.title))}
            </select>
            {!row.cannedResponseId && (
              <textarea
                aria-label={t('automation.actionText', { n })}
                required
                maxLength={5000}
                rows={2}
                value={row.text ?? ''}
                onChange={(e) => set({ text: e.target.value })}
              />
            )}
          </>
        );
    }
  };

  return (
    <>
      <div className="field">
        <label htmlFor="automation-name">{t('admin.slaName')}</label>
        <input id="automation-name" required maxLength={100} value={draft.name} onChange={(e) => onChange({ ...draft, name: e.target.value })} />
      </div>
      <fieldset>
        <legend>{t('admin.automationKind')}</legend>
        <label>
          <input type="radio" name="kind" checked={draft.kind === 'trigger'} onChange={() => onChange({ ...draft, kind: 'trigger' })} />{' '}
          {t('admin.automationTrigger')}
        </label>{' '}
        <label>
          <input type="radio" name="kind" checked={draft.kind === 'time'} onChange={() => onChange({ ...draft, kind: 'time' })} /> {t('admin.automationTime')}
        </label>
      </fieldset>
      {draft.kind === 'trigger' ? (
        <fieldset>
          <legend>{t('admin.automationEvents')}</legend>
          {TRIGGER_EVENTS.map((e) => (
            <label key={e}>
              <input
                type="checkbox"
                checked={draft.events.includes(e)}
                onChange={(change) => onChange({ ...draft, events: change.target.checked ? [...draft.events, e] : draft.events.filter((x) => x !== e) })}
              />{' '}
              {t(`event.${e}`)}
            </label>
          ))}
        </fieldset>
      ) : (
        <p>{t('automation.timeHelp')}</p>
      )}
      <fieldset className="rule-rows">
        <legend>{t('automation.conditions')}</legend>
        {draft.conditions.length === 0 && <p>{t('automation.noConditions')}</p>}
        {draft.conditions.map((row, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a row has no identity but its place; every input in it is controlled, so a row redrawn at another place shows that place's values
          <div className="rule-row" key={index}>
            <select
              aria-label={t('automation.conditionField', { n: index + 1 })}
              value={row.field}
              onChange={(e) => setCondition(index, freshCondition(e.target.value as Field))}
            >
              {FIELDS.map((f) => choice(f, t(`automation.field.${f}` as MessageKey)))}
            </select>
            <select
              aria-label={t('automation.conditionOp', { n: index + 1 })}
              value={row.op}
              onChange={(e) => setCondition(index, { ...row, op: e.target.value as Op })}
            >
              {OPS[row.field].map((op) => choice(op, t(`automation.op.${op}` as MessageKey)))}
            </select>
            {conditionValue(row, index)}
            <button type="button" className="link" onClick={() => onChange({ ...draft, conditions: draft.conditions.filter((_, i) => i !== index) })}>
              {t('automation.removeCondition', { n: index + 1 })}
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() =>
            onChange({ ...draft, conditions: [...draft.conditions, freshCondition(draft.kind === 'time' ? 'hours_since_status_change' : 'status')] })
          }
        >
          {t('automation.addCondition')}
        </button>
      </fieldset>
      <fieldset className="rule-rows">
        <legend>{t('automation.actions')}</legend>
        {draft.actions.map((row, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a row has no identity but its place; every input in it is controlled, so a row redrawn at another place shows that place's values
          <div className="rule-row" key={index}>
            <select
              aria-label={t('automation.actionType', { n: index + 1 })}
              value={row.type}
              onChange={(e) => setAction(index, freshAction(e.target.value as ActionType))}
            >
              {ACTION_TYPES.map((type) => choice(type, t(`automation.action.${type}` as MessageKey)))}
            </select>
            {actionInputs(row, index)}
            <button
              type="button"
              className="link"
              disabled={index === 0}
              onClick={() => moveAction(index, -1)}
              aria-label={t('automation.moveUp', { n: index + 1 })}
            >
              ↑
            </button>
            <button
              type="button"
              className="link"
              disabled={index === draft.actions.length - 1}
              onClick={() => moveAction(index, 1)}
              aria-label={t('automation.moveDown', { n: index + 1 })}
            >
              ↓
            </button>
            <button
              type="button"
              className="link"
              disabled={draft.actions.length === 1}
              onClick={() => onChange({ ...draft, actions: draft.actions.filter((_, i) => i !== index) })}
            >
              {t('automation.removeAction', { n: index + 1 })}
            </button>
          </div>
        ))}
        <button type="button" disabled={draft.actions.length >= 10} onClick={() => onChange({ ...draft, actions: [...draft.actions, freshAction('add_tag')] })}>
          {t('automation.addAction')}
        </button>
      </fieldset>
    </>
  );
}

/** One line an admin reads for a rule's conditions and actions. */
export function describeRule(
  automation: Pick<Automation, 'conditions' | 'actions'>,
  t: (key: MessageKey, params?: Record<string, string | number>) => string,
  names: { agent(id: string): string; group(id: string): string },
): { when: string; then: string } {
  const valueText = (c: ConditionRow): string => {
    if (c.value === null || c.value === undefined || c.value === '') return t('automation.none');
    const v = String(c.value);
    switch (c.field) {
      case 'status':
        return t(`ticketStatus.${v}` as MessageKey);
      case 'priority':
        return t(`priority.${v}` as MessageKey);
      case 'type':
        return t(`ticketType.${v}` as MessageKey);
      case 'group_id':
        return names.group(v);
      case 'assignee_id':
        return names.agent(v);
      case 'sla_metric':
        return t(`sla.${v}` as MessageKey);
      case 'hours_since_status_change':
      case 'hours_since_update':
      case 'hours_since_created':
        return typeof c.value === 'number' && c.value > 0 && c.value % 24 === 0
          ? t('automation.daysValue', { n: c.value / 24 })
          : t('automation.hoursValue', { n: v });
      default:
        return v;
    }
  };
  const when = (automation.conditions as ConditionRow[])
    .map((c) => `${t(`automation.field.${c.field}` as MessageKey)} ${t(`automation.op.${c.op}` as MessageKey)}${c.op === 'changed' ? '' : ` ${valueText(c)}`}`)
    .join(t('automation.and'));
  const then = (automation.actions as ActionRow[])
    .map((a) => {
      const label = t(`automation.action.${a.type}` as MessageKey);
      switch (a.type) {
        case 'set_status':
          return `${label}: ${t(`ticketStatus.${a.value}` as MessageKey)}`;
        case 'set_priority':
          return `${label}: ${t(`priority.${a.value}` as MessageKey)}`;
        case 'set_type':
          return `${label}: ${t(`ticketType.${a.value}` as MessageKey)}`;
        case 'assign':
          return `${label}: ${[a.assigneeId ? names.agent(a.assigneeId) : '', a.groupId ? names.group(a.groupId) : ''].filter(Boolean).join(', ')}`;
        case 'add_tag':
        case 'remove_tag':
          return `${label}: ${a.tag}`;
        case 'notify':
          return `${label}: ${t(`automation.to.${a.to ?? 'assignee'}` as MessageKey)}`;
        case 'ai_classify':
          return `${label}: ${AI_ASKS.filter((k) => a[k] === true)
            .map((k) => t(`automation.ai.${k}`))
            .join(', ')}`;
        default:
          return label;
      }
    })
    .join('; ');
  return { when, then };
}
