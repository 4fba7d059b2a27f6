import { useCallback, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { GroupView, RoutingRuleView } from '../api/types.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { moveRule, ruleFromForm } from './rules.js';
import { useLoad } from './useLoad.js';

/** Routing rules in order: the first that matches a new conversation decides its group and priority. */
export function RoutingRulesPage({ api }: { api: AdminApi }) {
  const { t } = useI18n();
  const load = useLoad(
    useCallback(async () => {
      const [rules, groups] = await Promise.all([api.routingRules(), api.groups()]);
      return { rules: [...rules.rules].sort((a, b) => a.position - b.position), groups: groups.groups };
    }, [api]),
  );
  const [notice, setNotice] = useState<string>();
  const describe = useCallback((caught: unknown) => describeError(caught, t), [t]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const rule = ruleFromForm({
          keywords: formText(form, 'keywords'),
          channelTypes: formText(form, 'channelTypes'),
          groupId: formText(form, 'groupId'),
          priority: formText(form, 'priority'),
        });
        await api.createRoutingRule({ name: formText(form, 'name'), enabled: true, ...rule });
        load.reload();
      },
      [api, load.reload],
    ),
    describe,
    { resetOnSuccess: true },
  );
  const run = async (action: () => Promise<unknown>, done?: string) => {
    try {
      await action();
      setNotice(done);
      load.reload();
    } catch (caught) {
      setNotice(describe(caught));
      load.reload();
    }
  };
  // The list moves at once; the reload after the server's answer confirms it.
  const reorder = (order: string[]) => {
    load.update((data) => ({ ...data, rules: order.map((id) => data.rules.find((rule) => rule.id === id)!).filter(Boolean) }));
    void run(() => api.orderRoutingRules(order));
  };
  const rules = load.data?.rules ?? [];
  const ids = rules.map((rule) => rule.id);
  return (
    <>
      <h1>{t('admin.routing')}</h1>
      <p className="hint">{t('admin.routingHint')}</p>
      {load.error !== undefined && (
        <p role="alert" className="error">
          {describeError(load.error, t)}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      <ol className="rule-list" aria-label={t('admin.routing')}>
        {rules.map((rule, index) => (
          <li key={rule.id} className={rule.enabled ? 'rule' : 'rule disabled'} aria-label={rule.name}>
            <div className="rule-text">
              <strong>{rule.name}</strong>
              <small className="hint">{summary(rule, load.data?.groups ?? [], t)}</small>
            </div>
            <div className="rule-actions">
              <button type="button" className="secondary" disabled={index === 0} onClick={() => reorder(moveRule(ids, index, -1))} aria-label={t('admin.moveUp', { name: rule.name })}>
                ↑
              </button>
              <button
                type="button"
                className="secondary"
                disabled={index === rules.length - 1}
                onClick={() => reorder(moveRule(ids, index, 1))}
                aria-label={t('admin.moveDown', { name: rule.name })}
              >
                ↓
              </button>
              <label className="check">
                <input
                  type="checkbox"
                  checked={rule.enabled}
                  onChange={(event) => {
                    const enabled = event.target.checked;
                    load.update((data) => ({ ...data, rules: data.rules.map((r) => (r.id === rule.id ? { ...r, enabled } : r)) }));
                    void run(() => api.updateRoutingRule(rule.id, { enabled }));
                  }}
                />
                {t('admin.ruleEnabled')}
              </label>
              <button type="button" className="link" onClick={() => void run(() => api.deleteRoutingRule(rule.id), t('admin.ruleDeleted', { name: rule.name }))}>
                {t('admin.delete')}
              </button>
            </div>
          </li>
        ))}
      </ol>
      <form className="admin-form" onSubmit={(event) => void onSubmit(event)} aria-label={t('admin.addRule')}>
        <h2>{t('admin.addRule')}</h2>
        <Field label={t('admin.name')} name="name" required maxLength={200} />
        <Field label={t('admin.ruleKeywords')} name="keywords" hint={t('admin.listHint')} />
        <Field label={t('admin.ruleChannelTypes')} name="channelTypes" hint={t('admin.listHint')} />
        <div className="field">
          <label htmlFor="rule-group">{t('admin.ruleGroup')}</label>
          <select id="rule-group" name="groupId" defaultValue="">
            <option value="">—</option>
            {load.data?.groups.map((group) => (
              <option key={group.id} value={group.id}>
                {group.name}
              </option>
            ))}
          </select>
        </div>
        <Field label={t('admin.rulePriority')} name="priority" type="number" min={-100} max={100} step={1} />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('admin.addRule')}
        </button>
      </form>
    </>
  );
}

function summary(rule: RoutingRuleView, groups: GroupView[], t: ReturnType<typeof useI18n>['t']): string {
  const when = rule.conditions.map((condition) => {
    if (condition.type === 'keyword') return t('admin.whenKeywords', { list: (condition.anyOf ?? [condition.pattern ?? '']).join(', ') });
    if (condition.type === 'channel') return t('admin.whenChannels', { list: [...(condition.channelTypes ?? []), ...(condition.channelIds ?? [])].join(', ') });
    return condition.type;
  });
  const then: string[] = [];
  const group = groups.find((candidate) => candidate.id === rule.actions.groupId);
  if (group) then.push(t('admin.thenGroup', { name: group.name }));
  if (rule.actions.priority) then.push(t('admin.thenPriority', { priority: rule.actions.priority }));
  return `${when.length ? when.join(' · ') : t('admin.always')} → ${then.join(' · ') || '—'}`;
}
