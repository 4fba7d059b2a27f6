import { useCallback, useMemo, useRef, useState } from 'react';
import { TICKET_PRIORITIES, ticketsApi, type SlaPolicy } from '../api/tickets.js';
import { useApi } from '../app/api-context.js';
import { useEditorInView } from '../admin/useEditorInView.js';
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
  const [editing, setEditing] = useState<SlaPolicy>();
  const formRef = useRef<HTMLFormElement>(null);
  useEditorInView(formRef, editing !== undefined);
  const known = channelTypes.data?.types ?? [];
  // A type saved before the picker existed stays visible so it can be unticked.
  const offered = [...known, ...(editing?.match.channelTypes ?? []).filter((type) => !known.some((k) => k.type === type)).map((type) => ({ type, displayName: type }))];

  const add = async (form: HTMLFormElement) => {
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
    try {
      if (editing) await api.updateSlaPolicy(editing.id, body);
      else await api.createSlaPolicy(body);
      setNotice(t(editing ? 'admin.slaSaved' : 'admin.slaAdded', { name }));
      form.reset();
      setEditing(undefined);
      load.reload();
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };
  const remove = async (id: string) => {
    try {
      await api.deleteSlaPolicy(id);
      load.reload();
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };

  return (
    <>
      <h1>{t('admin.sla')}</h1>
      {notice && <p role="status">{notice}</p>}
      {load.data?.policies.length === 0 && <p>{t('admin.slaEmpty')}</p>}
      <div className="table-scroll">
        <table className="admin-table" aria-label={t('admin.sla')}>
          <thead>
            <tr>
              <th scope="col">{t('admin.slaName')}</th>
              <th scope="col">{t('admin.slaTargets')}</th>
              <th scope="col">{t('admin.slaWarn')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {load.data?.policies.map((policy) => (
              <tr key={policy.id}>
                <td>{policy.name}</td>
                <td>
                  {TICKET_PRIORITIES.filter((p) => policy.targets[p])
                    .map((p) => `${t(`priority.${p}`)}: ${METRICS.filter((m) => policy.targets[p]?.[m]).map((m) => `${t(`sla.${m}`)} ${policy.targets[p]?.[m]}′`).join(', ')}`)
                    .join(' · ')}
                </td>
                <td>{policy.warnBeforeMinutes}′</td>
                <td>
                  <button type="button" className="link" onClick={() => setEditing(policy)} aria-label={t('admin.editNamed', { name: policy.name })}>
                    {t('admin.edit')}
                  </button>
                  <button type="button" className="link" onClick={() => void remove(policy.id)} aria-label={t('admin.deleteNamed', { name: policy.name })}>
                    {t('admin.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form
        ref={formRef}
        key={editing?.id ?? 'new'}
        className="admin-form"
        aria-label={editing ? t('admin.slaEdit', { name: editing.name }) : t('admin.slaAdd')}
        onSubmit={(e) => {
          e.preventDefault();
          void add(e.currentTarget);
        }}
      >
        <h2>{editing ? t('admin.slaEdit', { name: editing.name }) : t('admin.slaAdd')}</h2>
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
                    {label} <input name={`${priority}.${metric}`} type="number" min={1} aria-label={label} defaultValue={editing?.targets[priority]?.[metric] ?? ''} />
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
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="form-actions">
          <button type="submit">{editing ? t('admin.save') : t('admin.slaAdd')}</button>
          {editing && (
            <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
              {t('admin.cancel')}
            </button>
          )}
        </div>
      </form>
    </>
  );
}
