import { useCallback, useMemo, useState } from 'react';
import { TICKET_FIELD_TYPES, TICKET_STATUSES, ticketsApi, type TicketFieldDef, type TicketStatus } from '../api/tickets.js';
import { useApi } from '../app/api-context.js';
import { ListForm, ListPage, useListEditor } from '../admin/AdminList.js';
import { useLoad } from '../admin/useLoad.js';
import { useI18n } from '../i18n/i18n.js';
import { splitList } from '../lib/lists.js';
import { describeError } from '../pages/describe-error.js';

type StatusNames = Partial<Record<TicketStatus, { en?: string; zh?: string }>>;

/** The company's ticket set-up: its own names for the statuses, and its custom ticket fields. */
export function TicketSettingsPage() {
  const { t } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => ticketsApi(client), [client]);
  const statuses = useLoad(useCallback(() => api.statuses(), [api]));
  const fields = useLoad(useCallback(() => api.fields(), [api]));
  const [notice, setNotice] = useState<string>();
  const [statusError, setStatusError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [type, setType] = useState<TicketFieldDef['type']>('text');
  const editor = useListEditor<TicketFieldDef>();
  const [editError, setEditError] = useState<string>();

  const saveNames = async (form: HTMLFormElement) => {
    setStatusError(undefined);
    setNotice(undefined);
    const data = new FormData(form);
    const names: StatusNames = {};
    for (const status of TICKET_STATUSES) {
      const en = String(data.get(`${status}.en`) ?? '').trim();
      const zh = String(data.get(`${status}.zh`) ?? '').trim();
      if (en || zh) names[status] = { ...(en ? { en } : {}), ...(zh ? { zh } : {}) };
    }
    try {
      await api.nameStatuses(names);
      setNotice(t('ticketSettings.namesSaved'));
      statuses.reload();
    } catch (caught) {
      setStatusError(describeError(caught, t));
    }
  };

  const addField = async (form: HTMLFormElement) => {
    setFieldError(undefined);
    setNotice(undefined);
    const data = new FormData(form);
    const label = String(data.get('label') ?? '').trim();
    try {
      await api.createField({
        key: String(data.get('key') ?? '').trim(),
        label,
        type,
        options: type === 'dropdown' || type === 'multiselect' ? splitList(String(data.get('options') ?? '')) : [],
        requiredOn: data.getAll('requiredOn').map(String) as TicketStatus[],
        position: fields.data?.fields.length ?? 0,
      });
      setNotice(t('ticketSettings.fieldAdded', { label }));
      form.reset();
      setType('text');
      fields.reload();
    } catch (caught) {
      setFieldError(describeError(caught, t));
    }
  };

  const saveField = async (field: TicketFieldDef, form: HTMLFormElement) => {
    setEditError(undefined);
    setNotice(undefined);
    const data = new FormData(form);
    const label = String(data.get('label') ?? '').trim();
    try {
      await api.updateField(field.id, {
        label,
        ...(field.type === 'dropdown' || field.type === 'multiselect' ? { options: splitList(String(data.get('options') ?? '')) } : {}),
        requiredOn: data.getAll('requiredOn').map(String) as TicketStatus[],
      });
      setNotice(t('ticketSettings.fieldSaved', { label }));
      editor.stopEditing();
      fields.reload();
    } catch (caught) {
      setEditError(describeError(caught, t));
    }
  };

  const removeField = async (field: TicketFieldDef) => {
    setFieldError(undefined);
    editor.cancelDelete();
    editor.closeIf(field);
    try {
      await api.deleteField(field.id);
      setNotice(t('ticketSettings.fieldRemoved', { label: field.label }));
      fields.reload();
    } catch (caught) {
      setFieldError(describeError(caught, t));
    }
  };

  const names = statuses.data?.names ?? {};
  const current = editor.editing;
  return (
    <ListPage
      title={t('admin.ticketSettings')}
      loadError={statuses.error ?? fields.error}
      notice={notice}
      banner={
        <>
          {statuses.data && (
            <form
              className="admin-form"
              aria-label={t('ticketSettings.statusNames')}
              onSubmit={(e) => {
                e.preventDefault();
                void saveNames(e.currentTarget);
              }}
            >
              <h2>{t('ticketSettings.statusNames')}</h2>
              <p>{t('ticketSettings.statusNamesHelp')}</p>
              <div className="table-scroll">
                <table className="admin-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('ticketSettings.status')}</th>
                      <th scope="col">{t('ticketSettings.nameEn')}</th>
                      <th scope="col">{t('ticketSettings.nameZh')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {TICKET_STATUSES.map((status) => (
                      <tr key={status}>
                        <th scope="row">{t(`ticketStatus.${status}`)}</th>
                        <td>
                          <input
                            name={`${status}.en`}
                            maxLength={40}
                            defaultValue={names[status]?.en ?? ''}
                            aria-label={t('ticketSettings.nameFor', { status: t(`ticketStatus.${status}`), language: 'English' })}
                          />
                        </td>
                        <td>
                          <input
                            name={`${status}.zh`}
                            maxLength={40}
                            defaultValue={names[status]?.zh ?? ''}
                            aria-label={t('ticketSettings.nameFor', { status: t(`ticketStatus.${status}`), language: '中文' })}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {statusError && (
                <p role="alert" className="error">
                  {statusError}
                </p>
              )}
              <button type="submit">{t('ticketSettings.saveNames')}</button>
            </form>
          )}
          <h2>{t('ticketSettings.fields')}</h2>
        </>
      }
      rows={fields.data?.fields}
      scroll
      tableLabel={t('ticketSettings.fields')}
      empty={t('ticketSettings.noFields')}
      columns={[
        { header: t('ticketSettings.label'), cell: (field) => field.label },
        { header: t('ticketSettings.key'), cell: (field) => <code>{field.key}</code> },
        { header: t('ticketSettings.type'), cell: (field) => t(`ticketSettings.type.${field.type}`) },
        { header: t('ticketSettings.options'), cell: (field) => field.options.join(', ') },
        { header: t('ticketSettings.requiredOn'), cell: (field) => field.requiredOn.map((s) => t(`ticketStatus.${s}`)).join(', ') },
      ]}
      nameOf={(field) => field.label}
      editor={{
        ...editor,
        edit: (field) => {
          setEditError(undefined);
          editor.edit(field);
        },
      }}
      rowLabels={{
        edit: (field) => t('ticketSettings.editField', { label: field.label }),
        delete: (field) => t('ticketSettings.removeField', { label: field.label }),
      }}
      confirmDelete={{ title: (field) => t('ticketSettings.removeFieldTitle', { label: field.label }), onConfirm: (field) => void removeField(field) }}
    >
      {current && (
        <ListForm
          key={current.id}
          title={t('ticketSettings.editField', { label: current.label })}
          editing
          addLabel={t('ticketSettings.saveField')}
          saveLabel={t('ticketSettings.saveField')}
          error={editError}
          onSubmit={(e) => {
            e.preventDefault();
            void saveField(current, e.currentTarget);
          }}
          onCancel={editor.stopEditing}
        >
          <p>
            {t('ticketSettings.key')}: <code>{current.key}</code> · {t('ticketSettings.type')}: {t(`ticketSettings.type.${current.type}`)}
          </p>
          <small>{t('ticketSettings.keyTypeFixed')}</small>
          <div className="field">
            <label htmlFor="edit-field-label">{t('ticketSettings.label')}</label>
            <input id="edit-field-label" name="label" required maxLength={100} defaultValue={current.label} />
          </div>
          {(current.type === 'dropdown' || current.type === 'multiselect') && (
            <div className="field">
              <label htmlFor="edit-field-options">{t('ticketSettings.options')}</label>
              <textarea id="edit-field-options" name="options" rows={3} defaultValue={current.options.join('\n')} />
              <small>{t('ticketSettings.optionsHelp')}</small>
            </div>
          )}
          <RequiredOn checked={current.requiredOn} />
        </ListForm>
      )}
      <ListForm
        title={t('ticketSettings.addField')}
        editing={false}
        addLabel={t('ticketSettings.addField')}
        error={fieldError}
        onSubmit={(e) => {
          e.preventDefault();
          void addField(e.currentTarget);
        }}
      >
        <div className="field">
          <label htmlFor="field-label">{t('ticketSettings.label')}</label>
          <input id="field-label" name="label" required maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor="field-key">{t('ticketSettings.key')}</label>
          <input id="field-key" name="key" required maxLength={40} pattern="[a-z][a-z0-9_]*" title={t('ticketSettings.keyHelp')} />
          <small>{t('ticketSettings.keyHelp')}</small>
        </div>
        <div className="field">
          <label htmlFor="field-type">{t('ticketSettings.type')}</label>
          <select id="field-type" name="type" value={type} onChange={(e) => setType(e.target.value as TicketFieldDef['type'])}>
            {TICKET_FIELD_TYPES.map((value) => (
              <option key={value} value={value}>
                {t(`ticketSettings.type.${value}`)}
              </option>
            ))}
          </select>
        </div>
        {(type === 'dropdown' || type === 'multiselect') && (
          <div className="field">
            <label htmlFor="field-options">{t('ticketSettings.options')}</label>
            <textarea id="field-options" name="options" rows={3} required />
            <small>{t('ticketSettings.optionsHelp')}</small>
          </div>
        )}
        <RequiredOn checked={[]} />
      </ListForm>
    </ListPage>
  );
}

/** The statuses in which a field must be filled, as check boxes named `requiredOn`. */
function RequiredOn({ checked }: { checked: readonly TicketStatus[] }) {
  const { t } = useI18n();
  return (
    <fieldset>
      <legend>{t('ticketSettings.requiredOn')}</legend>
      {TICKET_STATUSES.map((status) => (
        <label key={status}>
          <input type="checkbox" name="requiredOn" value={status} defaultChecked={checked.includes(status)} /> {t(`ticketStatus.${status}`)}
        </label>
      ))}
    </fieldset>
  );
}
