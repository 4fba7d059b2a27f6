import { useCallback, useMemo, useState } from 'react';
import { ticketsApi, type Automation } from '../api/tickets.js';
import { useApi } from '../app/api-context.js';
import { useLoad } from '../admin/useLoad.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { useTeam } from './useTeam.js';
import { AutomationForm, bodyOf, describeRule, draftOf, emptyDraft, type AutomationDraft } from './AutomationForm.js';

/** Ticket automations: triggers on events and time rules, each with conditions and actions, and how often each fired. */
export function AutomationsPage() {
  const { t } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => ticketsApi(client), [client]);
  const load = useLoad(useCallback(() => api.automations(), [api]));
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();
  const [draft, setDraft] = useState<AutomationDraft>(emptyDraft);
  const [editing, setEditing] = useState<Automation>();
  const team = useTeam();
  const names = {
    agent: (id: string) => team.users.find((a) => a.id === id)?.name ?? id,
    group: (id: string) => team.groups.find((g) => g.id === id)?.name ?? id,
  };

  const save = async () => {
    setError(undefined);
    setNotice(undefined);
    const body = bodyOf(draft);
    try {
      if (editing) {
        await api.updateAutomation(editing.id, { ...body, enabled: editing.enabled, position: editing.position });
        setNotice(t('admin.automationSaved', { name: body.name }));
      } else {
        await api.createAutomation({ ...body, enabled: true, position: load.data?.automations.length ?? 0 });
        setNotice(t('admin.automationAdded', { name: body.name }));
      }
      setEditing(undefined);
      setDraft(emptyDraft());
      load.reload();
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };
  const edit = (automation: Automation) => {
    setError(undefined);
    setNotice(undefined);
    setEditing(automation);
    setDraft(draftOf(automation));
  };
  const remove = async (id: string) => {
    try {
      await api.deleteAutomation(id);
      if (editing?.id === id) {
        setEditing(undefined);
        setDraft(emptyDraft());
      }
      load.reload();
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };
  const title = editing ? t('admin.automationEdit', { name: editing.name }) : t('admin.automationAdd');

  return (
    <>
      <h1>{t('admin.automations')}</h1>
      {notice && <p role="status">{notice}</p>}
      {load.data?.automations.length === 0 && <p>{t('admin.automationsEmpty')}</p>}
      <div className="table-scroll">
        <table className="admin-table" aria-label={t('admin.automations')}>
          <thead>
            <tr>
              <th scope="col">{t('admin.slaName')}</th>
              <th scope="col">{t('admin.automationKind')}</th>
              <th scope="col">{t('automation.conditions')}</th>
              <th scope="col">{t('automation.actions')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {load.data?.automations.map((a) => {
              const rule = describeRule(a, t, names);
              return (
                <tr key={a.id}>
                  <td>
                    {a.name}
                    <br />
                    <small>{t('admin.automationFirings', { count: a.firings })}</small>
                  </td>
                  <td>{a.kind === 'time' ? t('admin.automationTime') : a.events.map((e) => t(`event.${e}` as MessageKey)).join(', ')}</td>
                  <td>{rule.when || t('automation.always')}</td>
                  <td>{rule.then}</td>
                  <td>
                    <button type="button" className="link" onClick={() => edit(a)} aria-label={t('admin.automationEditNamed', { name: a.name })}>
                      {t('admin.edit')}
                    </button>{' '}
                    <button type="button" className="link" onClick={() => void remove(a.id)} aria-label={t('admin.automationDeleteNamed', { name: a.name })}>
                      {t('admin.delete')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <form
        className="admin-form automation-form"
        aria-label={title}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2>{title}</h2>
        <AutomationForm draft={draft} onChange={setDraft} />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit">{editing ? t('admin.automationSave') : t('admin.automationAdd')}</button>
        {editing && (
          <button
            type="button"
            className="link"
            onClick={() => {
              setEditing(undefined);
              setDraft(emptyDraft());
            }}
          >
            {t('admin.cancel')}
          </button>
        )}
      </form>
    </>
  );
}
