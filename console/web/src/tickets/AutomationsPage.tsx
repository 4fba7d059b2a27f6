import { useCallback, useMemo, useState } from 'react';
import { ticketsApi } from '../api/tickets.js';
import { useApi } from '../app/api-context.js';
import { useLoad } from '../admin/useLoad.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError, UserError } from '../pages/describe-error.js';

const EVENTS = ['ticket.created', 'ticket.updated', 'customer.replied', 'sla.warning', 'sla.breached'] as const;
const EXAMPLE_CONDITIONS = '[{ "field": "status", "op": "is", "value": "solved" }, { "field": "hours_since_status_change", "op": "gte", "value": 168 }]';
const EXAMPLE_ACTIONS = '[{ "type": "set_status", "value": "closed" }]';

/** Ticket automations: triggers on events and time rules, each with conditions and actions, and how often each fired. */
export function AutomationsPage() {
  const { t } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => ticketsApi(client), [client]);
  const load = useLoad(useCallback(() => api.automations(), [api]));
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();

  const json = (text: string, field: string): unknown[] => {
    try {
      const value = JSON.parse(text || '[]');
      if (Array.isArray(value)) return value;
    } catch {}
    throw new UserError(t('admin.automationBadJson', { field }));
  };

  const add = async (form: HTMLFormElement) => {
    setError(undefined);
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    try {
      const kind = data.get('kind') === 'time' ? 'time' : 'trigger';
      await api.createAutomation({
        name,
        kind,
        events: kind === 'trigger' ? data.getAll('events').map(String) : [],
        conditions: json(String(data.get('conditions') ?? ''), t('admin.automationConditions')),
        actions: json(String(data.get('actions') ?? ''), t('admin.automationActions')),
        enabled: true,
        position: load.data?.automations.length ?? 0,
      });
      setNotice(t('admin.automationAdded', { name }));
      form.reset();
      load.reload();
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };
  const remove = async (id: string) => {
    try {
      await api.deleteAutomation(id);
      load.reload();
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };

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
              <th scope="col">{t('admin.automationActions')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {load.data?.automations.map((a) => (
              <tr key={a.id}>
                <td>
                  {a.name}
                  <br />
                  <small>{t('admin.automationFirings', { count: a.firings })}</small>
                </td>
                <td>{a.kind === 'time' ? t('admin.automationTime') : a.events.map((e) => t(`event.${e}` as MessageKey)).join(', ')}</td>
                <td className="pre">{JSON.stringify(a.actions)}</td>
                <td>
                  <button type="button" className="link" onClick={() => void remove(a.id)}>
                    {t('admin.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form
        className="admin-form"
        aria-label={t('admin.automationAdd')}
        onSubmit={(e) => {
          e.preventDefault();
          void add(e.currentTarget);
        }}
      >
        <h2>{t('admin.automationAdd')}</h2>
        <div className="field">
          <label htmlFor="automation-name">{t('admin.slaName')}</label>
          <input id="automation-name" name="name" required maxLength={100} />
        </div>
        <fieldset>
          <legend>{t('admin.automationKind')}</legend>
          <label>
            <input type="radio" name="kind" value="trigger" defaultChecked /> {t('admin.automationTrigger')}
          </label>{' '}
          <label>
            <input type="radio" name="kind" value="time" /> {t('admin.automationTime')}
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('admin.automationEvents')}</legend>
          {EVENTS.map((e) => (
            <label key={e}>
              <input type="checkbox" name="events" value={e} /> {t(`event.${e}`)}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="automation-conditions">{t('admin.automationConditions')}</label>
          <textarea id="automation-conditions" name="conditions" rows={3} placeholder={EXAMPLE_CONDITIONS} />
        </div>
        <div className="field">
          <label htmlFor="automation-actions">{t('admin.automationActions')}</label>
          <textarea id="automation-actions" name="actions" rows={3} required placeholder={EXAMPLE_ACTIONS} />
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit">{t('admin.automationAdd')}</button>
      </form>
    </>
  );
}
