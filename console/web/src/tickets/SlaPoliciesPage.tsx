import { useCallback, useMemo, useState, type FormEvent } from 'react';
import { TICKET_PRIORITIES, ticketsApi, type SlaPolicy } from '../api/tickets.js';
import { useApi } from '../app/api-context.js';
import { ListForm, ListPage, useListEditor } from '../admin/AdminList.js';
import { useLoad } from '../admin/useLoad.js';
import { useI18n } from '../i18n/i18n.js';
import { splitList } from '../lib/lists.js';
import { describeError } from '../pages/describe-error.js';

const METRICS = ['firstResponse', 'nextResponse', 'resolution'] as const;

/** SLA policies: targets per priority, in minutes of the ticket group's business hours. */
export function SlaPoliciesPage() {
  const { t } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => ticketsApi(client), [client]);
  const load = useLoad(useCallback(() => api.slaPolicies(), [api]));
  const channelTypes = useLoad(useCallback(() => api.slaChannelTypes(), [api]));
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const editor = useListEditor<SlaPolicy>();
  const editing = editor.editing;
  const known = channelTypes.data?.types ?? [];
  // A type saved before the picker existed stays visible so it can be unticked.
  const offered = [
    ...known,
    ...(editing?.match.channelTypes ?? []).filter((type) => !known.some((k) => k.type === type)).map((type) => ({ type, displayName: type })),
  ];

  const add = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const form = event.currentTarget;
    setError(undefined);
    const data = new FormData(form);
    const targets: SlaPolicy['targets'] = {};
    for (const priority of TICKET_PRIORITIES)
      for (const metric of METRICS) {
        const value = Number(data.get(`${priority}.${metric}`) || 0);
        if (value > 0) targets[priority] = { ...targets[priority], [metric]: value };
      }
    const name = String(data.get('name') ?? '').trim();
    const tags = splitList(String(data.get('tags') ?? ''));
    const channels = data.getAll('channels').map(String);
    const body = {
      name,
      position: editing?.position ?? load.data?.policies.length ?? 0,
      enabled: editing?.enabled ?? true,
      warnBeforeMinutes: Number(data.get('warn') || 0),
      targets,
      match: { ...(tags.length ? { contactTags: tags } : {}), ...(channels.length ? { channelTypes: channels } : {}) },
    };
    setBusy(true);
    try {
      if (editing) await api.updateSlaPolicy(editing.id, body);
      else await api.createSlaPolicy(body);
      setNotice(t(editing ? 'admin.slaSaved' : 'admin.slaAdded', { name }));
      form.reset();
      editor.stopEditing();
      load.reload();
    } catch (caught) {
      setError(describeError(caught, t));
    } finally {
      setBusy(false);
    }
  };
  const remove = async (policy: SlaPolicy) => {
    editor.cancelDelete();
    editor.closeIf(policy);
    try {
      await api.deleteSlaPolicy(policy.id);
      setNotice(t('admin.slaDeleted', { name: policy.name }));
      load.reload();
    } catch (caught) {
      setNotice(describeError(caught, t));
    }
  };
  const targetsOf = (policy: SlaPolicy) =>
    TICKET_PRIORITIES.filter((p) => policy.targets[p])
      .map(
        (p) =>
          `${t(`priority.${p}`)}: ${METRICS.filter((m) => policy.targets[p]?.[m])
            .map((m) => `${t(`sla.${m}`)} ${policy.targets[p]?.[m]}′`)
            .join(', ')}`,
      )
      .join(' · ');

  return (
    <ListPage
      title={t('admin.sla')}
      loadError={load.error}
      notice={notice}
      rows={load.data?.policies}
      scroll
      empty={t('admin.slaEmpty')}
      columns={[
        { header: t('admin.slaName'), cell: (policy) => policy.name },
        { header: t('admin.slaTargets'), cell: targetsOf },
        { header: t('admin.slaWarn'), cell: (policy) => `${policy.warnBeforeMinutes}′` },
      ]}
      nameOf={(policy) => policy.name}
      editor={editor}
      confirmDelete={{ title: (policy) => t('admin.slaDeleteTitle', { name: policy.name }), onConfirm: (policy) => void remove(policy) }}
    >
      <ListForm
        key={editor.formKey}
        title={editing ? t('admin.slaEdit', { name: editing.name }) : t('admin.slaAdd')}
        editing={editing !== undefined}
        addLabel={t('admin.slaAdd')}
        busy={busy}
        error={error}
        onSubmit={add}
        onCancel={editor.stopEditing}
      >
        <div className="field">
          <label htmlFor="sla-name">{t('admin.slaName')}</label>
          <input id="sla-name" name="name" required maxLength={100} defaultValue={editing?.name ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="sla-warn">{t('admin.slaWarn')}</label>
          <input id="sla-warn" name="warn" type="number" min={0} defaultValue={editing?.warnBeforeMinutes ?? 30} />
        </div>
        <fieldset>
          <legend>{t('admin.slaTargets')}</legend>
          {TICKET_PRIORITIES.map((priority) => (
            <div key={priority} className="sla-row">
              {METRICS.map((metric) => {
                const label = t('admin.slaTarget', { priority: t(`priority.${priority}`), metric: t(`sla.${metric}`) });
                return (
                  <label key={metric}>
                    {label}{' '}
                    <input name={`${priority}.${metric}`} type="number" min={1} aria-label={label} defaultValue={editing?.targets[priority]?.[metric] ?? ''} />
                  </label>
                );
              })}
            </div>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="sla-tags">{t('admin.slaTags')}</label>
          <input id="sla-tags" name="tags" defaultValue={editing?.match.contactTags?.join(', ') ?? ''} />
        </div>
        <fieldset className="field check-list">
          <legend>{t('admin.slaChannels')}</legend>
          {offered.map((channel) => (
            <label key={channel.type} className="check">
              <input type="checkbox" name="channels" value={channel.type} defaultChecked={editing?.match.channelTypes?.includes(channel.type) ?? false} />
              {channel.displayName}
            </label>
          ))}
          <small className="hint">{t('admin.ruleChannelTypesHint')}</small>
        </fieldset>
      </ListForm>
    </ListPage>
  );
}
