import { useCallback, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { GroupView, RoutingRuleView } from '../api/types.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { formFromRule, moveRule, ruleFromForm } from './rules.js';
import { ListForm, ListPage, RowActions, useListEditor } from './AdminList.js';
import { useLoad } from './useLoad.js';

/** Routing rules in order: the first that matches a new conversation decides its group and priority. */
export function RoutingRulesPage({ api }: { api: AdminApi }) {
  const { t } = useI18n();
  const load = useLoad(
    useCallback(async () => {
      const [rules, groups, channelTypes] = await Promise.all([api.routingRules(), api.groups(), api.ruleChannelTypes()]);
      return { rules: [...rules.rules].sort((a, b) => a.position - b.position), groups: groups.groups, channelTypes: channelTypes.types };
    }, [api]),
  );
  const [notice, setNotice] = useState<string>();
  const describe = useCallback((caught: unknown) => describeError(caught, t), [t]);
  const editor = useListEditor<RoutingRuleView>();
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
    <ListPage
      title={t('admin.routing')}
      hint={t('admin.routingHint')}
      loadError={load.error}
      notice={notice}
      rows={load.data?.rules}
      empty={t('admin.rulesEmpty')}
      list={
        <ol className="rule-list" aria-label={t('admin.routing')}>
          {rules.map((rule, index) => (
            <li key={rule.id} className={rule.enabled ? 'rule' : 'rule disabled'} aria-label={rule.name}>
              <div className="rule-text">
                <strong>{rule.name}</strong>
                <small className="hint">{summary(rule, load.data?.groups ?? [], load.data?.channelTypes ?? [], t)}</small>
              </div>
              <div className="rule-actions">
                <button
                  type="button"
                  className="secondary"
                  disabled={index === 0}
                  onClick={() => reorder(moveRule(ids, index, -1))}
                  aria-label={t('admin.moveUp', { name: rule.name })}
                >
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
                <RowActions name={rule.name} onEdit={() => editor.edit(rule)} onDelete={() => editor.askDelete(rule)} />
              </div>
            </li>
          ))}
        </ol>
      }
      nameOf={(rule) => rule.name}
      editor={editor}
      confirmDelete={{
        title: (rule) => t('admin.ruleDeleteTitle', { name: rule.name }),
        body: () => <p>{t('admin.ruleDeleteHint')}</p>,
        onConfirm: (rule) => {
          editor.cancelDelete();
          editor.closeIf(rule);
          void run(() => api.deleteRoutingRule(rule.id), t('admin.ruleDeleted', { name: rule.name }));
        },
      }}
    >
      <RuleForm
        key={editor.formKey}
        api={api}
        rule={editor.editing}
        groups={load.data?.groups ?? []}
        channelTypes={load.data?.channelTypes ?? []}
        onCancel={editor.stopEditing}
        onSaved={(name) => {
          setNotice(editor.editing ? t('admin.ruleSaved', { name }) : undefined);
          editor.stopEditing();
          load.reload();
        }}
      />
    </ListPage>
  );
}

function summary(
  rule: RoutingRuleView,
  groups: GroupView[],
  channelTypes: { type: string; displayName: string }[],
  t: ReturnType<typeof useI18n>['t'],
): string {
  const channelName = (type: string) => channelTypes.find((known) => known.type === type)?.displayName ?? type;
  const when = rule.conditions.map((condition) => {
    if (condition.type === 'keyword') return t('admin.whenKeywords', { list: (condition.anyOf ?? [condition.pattern ?? '']).join(', ') });
    if (condition.type === 'channel')
      return t('admin.whenChannels', { list: [...(condition.channelTypes ?? []).map(channelName), ...(condition.channelIds ?? [])].join(', ') });
    return condition.type;
  });
  const then: string[] = [];
  const group = groups.find((candidate) => candidate.id === rule.actions.groupId);
  if (group) then.push(t('admin.thenGroup', { name: group.name }));
  if (rule.actions.priority) then.push(t('admin.thenPriority', { priority: rule.actions.priority }));
  return `${when.length ? when.join(' · ') : t('admin.always')} → ${then.join(' · ') || '—'}`;
}

/** Adds a rule, or changes every field the form shows of the one being edited. */
function RuleForm({
  api,
  rule,
  groups,
  channelTypes,
  onSaved,
  onCancel,
}: {
  api: AdminApi;
  rule: RoutingRuleView | undefined;
  groups: GroupView[];
  channelTypes: { type: string; displayName: string }[];
  onSaved(name: string): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const start = rule ? formFromRule(rule) : { keywords: '', channelTypes: [], groupId: '', priority: '' };
  // A type saved before the picker existed, or of a connector since removed, stays visible so it can be unticked.
  const offered = [
    ...channelTypes,
    ...start.channelTypes.filter((type) => !channelTypes.some((known) => known.type === type)).map((type) => ({ type, displayName: type })),
  ];
  const describe = useCallback((caught: unknown) => describeError(caught, t), [t]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const name = formText(form, 'name');
        const fields = ruleFromForm(
          {
            keywords: formText(form, 'keywords'),
            channelTypes: form.getAll('channelTypes').map(String),
            groupId: formText(form, 'groupId'),
            priority: formText(form, 'priority'),
          },
          rule,
        );
        if (rule) await api.updateRoutingRule(rule.id, { name, ...fields });
        else await api.createRoutingRule({ name, enabled: true, ...fields });
        onSaved(name);
      },
      [api, rule, onSaved],
    ),
    describe,
    { resetOnSuccess: true },
  );
  return (
    <ListForm
      title={rule ? t('admin.editRule', { name: rule.name }) : t('admin.addRule')}
      editing={rule !== undefined}
      addLabel={t('admin.addRule')}
      busy={busy}
      error={error}
      onSubmit={onSubmit}
      onCancel={onCancel}
    >
      <Field label={t('admin.name')} name="name" required maxLength={200} defaultValue={rule?.name ?? ''} />
      <Field label={t('admin.ruleKeywords')} name="keywords" hint={t('admin.listHint')} defaultValue={start.keywords} />
      <fieldset className="field check-list">
        <legend>{t('admin.ruleChannelTypes')}</legend>
        {offered.map((channel) => (
          <label key={channel.type} className="check">
            <input type="checkbox" name="channelTypes" value={channel.type} defaultChecked={start.channelTypes.includes(channel.type)} />
            {channel.displayName}
          </label>
        ))}
        <small className="hint">{t('admin.ruleChannelTypesHint')}</small>
      </fieldset>
      <div className="field">
        <label htmlFor={rule ? `rule-group-${rule.id}` : 'rule-group'}>{t('admin.ruleGroup')}</label>
        <select id={rule ? `rule-group-${rule.id}` : 'rule-group'} name="groupId" defaultValue={start.groupId}>
          <option value="">—</option>
          {groups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name}
            </option>
          ))}
        </select>
      </div>
      <Field label={t('admin.rulePriority')} name="priority" type="number" min={-100} max={100} step={1} defaultValue={start.priority} />
    </ListForm>
  );
}
