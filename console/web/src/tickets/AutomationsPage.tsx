import { useCallback, useMemo, useState } from 'react';
import { ticketsApi, type Automation } from '../api/tickets.js';
import { useApi } from '../app/api-context.js';
import { ListForm, ListPage, useListEditor } from '../admin/AdminList.js';
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
  const editor = useListEditor<Automation>();
  const editing = editor.editing;
  const [draft, setDraft] = useState<AutomationDraft>(emptyDraft);
  const [error, setError] = useState<string>();
  const closeEditor = () => {
    editor.stopEditing();
    setDraft(emptyDraft());
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
      closeEditor();
      load.reload();
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };
  const team = useTeam();
  const names = {
    agent: (id: string) => team.users.find((a) => a.id === id)?.name ?? id,
    group: (id: string) => team.groups.find((g) => g.id === id)?.name ?? id,
  };
  const remove = async (automation: Automation) => {
    editor.cancelDelete();
    try {
      await api.deleteAutomation(automation.id);
      if (editor.editing?.id === automation.id) closeEditor();
      load.reload();
    } catch (caught) {
      setNotice(describeError(caught, t));
    }
  };

  return (
    <ListPage
      title={t('admin.automations')}
      loadError={load.error}
      notice={notice}
      rows={load.data?.automations}
      scroll
      empty={t('admin.automationsEmpty')}
      columns={[
        {
          header: t('admin.slaName'),
          cell: (a) => (
            <>
              {a.name}
              <br />
              <small>{t('admin.automationFirings', { count: a.firings })}</small>
            </>
          ),
        },
        {
          header: t('admin.automationKind'),
          cell: (a) => (a.kind === 'time' ? t('admin.automationTime') : a.events.map((e) => t(`event.${e}` as MessageKey)).join(', ')),
        },
        { header: t('automation.conditions'), cell: (a) => describeRule(a, t, names).when || t('automation.always') },
        { header: t('automation.actions'), cell: (a) => describeRule(a, t, names).then },
      ]}
      nameOf={(a) => a.name}
      editor={{
        ...editor,
        edit: (a) => {
          setError(undefined);
          setNotice(undefined);
          setDraft(draftOf(a));
          editor.edit(a);
        },
      }}
      rowLabels={{ edit: (a) => t('admin.automationEditNamed', { name: a.name }), delete: (a) => t('admin.automationDeleteNamed', { name: a.name }) }}
      confirmDelete={{ title: (a) => t('admin.automationDeleteTitle', { name: a.name }), onConfirm: (a) => void remove(a) }}
    >
      {/* One form, not remounted per rule: its pickers keep the team they loaded. */}
      <ListForm
        title={editing ? t('admin.automationEdit', { name: editing.name }) : t('admin.automationAdd')}
        className="automation-form"
        editing={editing !== undefined}
        addLabel={t('admin.automationAdd')}
        saveLabel={t('admin.automationSave')}
        error={error}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
        onCancel={closeEditor}
      >
        <AutomationForm draft={draft} onChange={setDraft} />
      </ListForm>
    </ListPage>
  );
}
