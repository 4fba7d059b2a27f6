import { useCallback, useId, useRef, useState, type FormEvent } from 'react';
import { CANNED_VARIABLES, fillCannedVariables, type CannedVariable } from '../../../../core/domain/canned-variables.js';
import type { AdminApi } from '../api/admin.js';
import type { CannedResponse } from '../api/types.js';
import { useSignedIn } from '../app/session.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { Field } from '../components/Field.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { useEditorInView } from './useEditorInView.js';
import { useLoad } from './useLoad.js';

/** Saved replies agents insert with `/shortcut` in the reply box, their variables filled. */
export function CannedResponsesPage({ api }: { api: AdminApi }) {
  const { t } = useI18n();
  const load = useLoad(useCallback(() => api.cannedResponses(), [api]));
  const [notice, setNotice] = useState<string>();
  const [editing, setEditing] = useState<CannedResponse | 'new'>('new');
  const [deleting, setDeleting] = useState<CannedResponse>();
  const remove = async (response: CannedResponse) => {
    setDeleting(undefined);
    if (editing !== 'new' && editing.id === response.id) setEditing('new');
    try {
      await api.deleteCannedResponse(response.id);
      setNotice(t('admin.cannedDeleted', { shortcut: response.shortcut }));
      load.reload();
    } catch (caught) {
      setNotice(describeError(caught, t));
    }
  };
  return (
    <>
      <h1>{t('admin.canned')}</h1>
      {load.error !== undefined && (
        <p role="alert" className="error">
          {describeError(load.error, t)}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      <div className="table-scroll">
        <table className="admin-table" aria-label={t('admin.canned')}>
          <thead>
            <tr>
              <th scope="col">{t('admin.shortcut')}</th>
              <th scope="col">{t('admin.title')}</th>
              <th scope="col">{t('admin.body')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {load.data?.cannedResponses.map((response) => (
              <tr key={response.id}>
                <td>/{response.shortcut}</td>
                <td>{response.title}</td>
                <td className="pre">{response.body}</td>
                <td>
                  <button type="button" className="link" onClick={() => setEditing(response)} aria-label={t('admin.editNamed', { name: `/${response.shortcut}` })}>
                    {t('admin.edit')}
                  </button>
                  <button type="button" className="link" onClick={() => setDeleting(response)} aria-label={t('admin.deleteNamed', { name: `/${response.shortcut}` })}>
                    {t('admin.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {deleting && (
        <ConfirmDialog title={t('admin.cannedDeleteTitle', { shortcut: deleting.shortcut })} confirmLabel={t('admin.delete')} onCancel={() => setDeleting(undefined)} onConfirm={() => void remove(deleting)} />
      )}
      <CannedForm
        key={editing === 'new' ? 'new' : editing.id}
        api={api}
        response={editing === 'new' ? undefined : editing}
        onCancel={() => setEditing('new')}
        onSaved={(saved) => {
          setNotice(editing === 'new' ? undefined : t('admin.cannedSaved', { shortcut: saved.shortcut }));
          setEditing('new');
          load.reload();
        }}
      />
    </>
  );
}

/** Adds a saved reply or edits one; the variables are offered as buttons and the text is previewed filled. */
function CannedForm({ api, response, onSaved, onCancel }: { api: AdminApi; response: CannedResponse | undefined; onSaved(saved: CannedResponse): void; onCancel(): void }) {
  const { t } = useI18n();
  const session = useSignedIn();
  const id = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  const [body, setBody] = useState(response?.body ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const insert = (variable: CannedVariable) => {
    const element = area.current;
    const at = element ? element.selectionStart : body.length;
    const end = element ? element.selectionEnd : body.length;
    const placeholder = `{{${variable}}}`;
    setBody(body.slice(0, at) + placeholder + body.slice(end));
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(at + placeholder.length, at + placeholder.length);
    });
  };
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const element = event.currentTarget;
    const form = new FormData(element);
    const input = { shortcut: String(form.get('shortcut') ?? '').trim().toLowerCase(), title: String(form.get('title') ?? ''), body };
    setBusy(true);
    setError(undefined);
    try {
      const saved = response ? await api.updateCannedResponse(response.id, input) : await api.createCannedResponse(input);
      if (!response) {
        element.reset();
        setBody('');
      }
      onSaved(saved);
    } catch (caught) {
      setError(describeError(caught, t));
    } finally {
      setBusy(false);
    }
  };
  const title = response ? t('admin.editCanned', { shortcut: response.shortcut }) : t('admin.addCanned');
  const formRef = useRef<HTMLFormElement>(null);
  useEditorInView(formRef, response !== undefined);
  // The preview uses a sample customer and the admin's own name, as an agent's insert would.
  const preview = fillCannedVariables(body, {
    'contact.name': t('canned.sampleName'),
    'contact.email': 'jane.doe@example.com',
    'contact.phone': '+86 138 0013 8000',
    'agent.name': session.user.name,
    'company.name': session.tenant.name,
  });
  return (
    <form ref={formRef} className="admin-form" onSubmit={(event) => void submit(event)} aria-label={title}>
      <h2>{title}</h2>
      <Field label={t('admin.shortcut')} name="shortcut" required pattern="[a-z0-9][a-z0-9_\-]{0,39}" hint={t('admin.shortcutHint')} autoCapitalize="none" defaultValue={response?.shortcut ?? ''} />
      <Field label={t('admin.title')} name="title" required maxLength={200} defaultValue={response?.title ?? ''} />
      <div className="field">
        <label htmlFor={`${id}-body`}>{t('admin.body')}</label>
        <textarea ref={area} id={`${id}-body`} name="body" required maxLength={10000} rows={4} value={body} onChange={(event) => setBody(event.target.value)} aria-describedby={`${id}-vars`} />
        <fieldset className="variable-list" id={`${id}-vars`}>
          <legend className="hint">{t('canned.variablesHint')}</legend>
          {CANNED_VARIABLES.map((variable) => (
            <button key={variable} type="button" className="secondary small" onClick={() => insert(variable)} title={`{{${variable}}}`}>
              {t(`canned.var.${variable}`)}
            </button>
          ))}
        </fieldset>
      </div>
      {body.trim() && (
        <section className="canned-preview" aria-label={t('canned.preview')}>
          <h3>{t('canned.preview')}</h3>
          <p className="pre">{preview}</p>
        </section>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {response ? t('admin.save') : t('admin.addCanned')}
        </button>
        {response && (
          <button type="button" className="secondary" onClick={onCancel}>
            {t('admin.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
