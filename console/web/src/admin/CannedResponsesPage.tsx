import { useCallback, useId, useRef, useState, type FormEvent } from 'react';
import { CANNED_VARIABLES, fillCannedVariables, type CannedVariable } from '../../../../core/domain/canned-variables.js';
import type { AdminApi } from '../api/admin.js';
import type { CannedResponse } from '../api/types.js';
import { useSignedIn } from '../app/session.js';
import { Field } from '../components/Field.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { ListForm, ListPage, useListEditor } from './AdminList.js';
import { useLoad } from './useLoad.js';

/** Saved replies agents insert with `/shortcut` in the reply box, their variables filled. */
export function CannedResponsesPage({ api }: { api: AdminApi }) {
  const { t } = useI18n();
  const load = useLoad(useCallback(() => api.cannedResponses(), [api]));
  const [notice, setNotice] = useState<string>();
  const editor = useListEditor<CannedResponse>();
  const remove = async (response: CannedResponse) => {
    editor.cancelDelete();
    editor.closeIf(response);
    try {
      await api.deleteCannedResponse(response.id);
      setNotice(t('admin.cannedDeleted', { shortcut: response.shortcut }));
      load.reload();
    } catch (caught) {
      setNotice(describeError(caught, t));
    }
  };
  return (
    <ListPage
      title={t('admin.canned')}
      loadError={load.error}
      notice={notice}
      rows={load.data?.cannedResponses}
      scroll
      empty={t('admin.cannedEmpty')}
      columns={[
        { header: t('admin.shortcut'), cell: (response) => `/${response.shortcut}` },
        { header: t('admin.title'), cell: (response) => response.title },
        { header: t('admin.body'), cell: (response) => response.body, className: 'pre' },
      ]}
      nameOf={(response) => `/${response.shortcut}`}
      editor={editor}
      confirmDelete={{ title: (response) => t('admin.cannedDeleteTitle', { shortcut: response.shortcut }), onConfirm: (response) => void remove(response) }}
    >
      <CannedForm
        key={editor.formKey}
        api={api}
        response={editor.editing}
        onCancel={editor.stopEditing}
        onSaved={(saved) => {
          setNotice(editor.editing ? t('admin.cannedSaved', { shortcut: saved.shortcut }) : undefined);
          editor.stopEditing();
          load.reload();
        }}
      />
    </ListPage>
  );
}

/** Adds a saved reply or edits one; the variables are offered as buttons and the text is previewed filled. */
function CannedForm({
  api,
  response,
  onSaved,
  onCancel,
}: {
  api: AdminApi;
  response: CannedResponse | undefined;
  onSaved(saved: CannedResponse): void;
  onCancel(): void;
}) {
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
    const input = {
      shortcut: String(form.get('shortcut') ?? '')
        .trim()
        .toLowerCase(),
      title: String(form.get('title') ?? ''),
      body,
    };
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
  // The preview uses a sample customer and the admin's own name, as an agent's insert would.
  const preview = fillCannedVariables(body, {
    'contact.name': t('canned.sampleName'),
    'contact.email': 'jane.doe@example.com',
    'contact.phone': '+86 138 0013 8000',
    'agent.name': session.user.name,
    'company.name': session.tenant.name,
  });
  return (
    <ListForm
      title={response ? t('admin.editCanned', { shortcut: response.shortcut }) : t('admin.addCanned')}
      editing={response !== undefined}
      addLabel={t('admin.addCanned')}
      busy={busy}
      error={error}
      onSubmit={submit}
      onCancel={onCancel}
    >
      <Field
        label={t('admin.shortcut')}
        name="shortcut"
        required
        pattern="[a-z0-9][a-z0-9_\-]{0,39}"
        hint={t('admin.shortcutHint')}
        autoCapitalize="none"
        defaultValue={response?.shortcut ?? ''}
      />
      <Field label={t('admin.title')} name="title" required maxLength={200} defaultValue={response?.title ?? ''} />
      <div className="field">
        <label htmlFor={`${id}-body`}>{t('admin.body')}</label>
        <textarea
          ref={area}
          id={`${id}-body`}
          name="body"
          required
          maxLength={10000}
          rows={4}
          value={body}
          onChange={(event) => setBody(event.target.value)}
          aria-describedby={`${id}-vars`}
        />
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
    </ListForm>
  );
}
