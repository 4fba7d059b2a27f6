import { useCallback, useId, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { GroupStrategy, GroupView } from '../api/types.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { ListForm, ListPage, useListEditor } from './AdminList.js';
import { useLoad } from './useLoad.js';

export const strategies: GroupStrategy[] = ['round_robin', 'least_busy', 'skill_weighted', 'sticky', 'manual'];

/** Agent groups: what routing assigns conversations to, and how each group picks its agent. */
export function GroupsPage({ api }: { api: AdminApi }) {
  const { t } = useI18n();
  const groups = useLoad(useCallback(() => api.groups(), [api]));
  const skills = useLoad(useCallback(() => api.skills(), [api]));
  const skillForm = useSubmit(
    useCallback(
      async (form) => {
        await api.createSkill({ name: formText(form, 'name') });
        skills.reload();
      },
      [api, skills.reload],
    ),
    useCallback((caught: unknown) => describeError(caught, t), [t]),
    { resetOnSuccess: true },
  );
  const [notice, setNotice] = useState<string>();
  const editor = useListEditor<GroupView>();
  const [moveTo, setMoveTo] = useState('');
  const [removing, setRemoving] = useState(false);
  const moveId = useId();
  const others = (groups.data?.groups ?? []).filter((group) => group.id !== editor.deleting?.id);
  const askDelete = (group: GroupView) => {
    setMoveTo((groups.data?.groups ?? []).find((other) => other.id !== group.id)?.id ?? '');
    editor.askDelete(group);
  };
  const remove = async (group: GroupView) => {
    setRemoving(true);
    try {
      await api.deleteGroup(group.id, moveTo || undefined);
      const target = others.find((other) => other.id === moveTo);
      setNotice(target ? t('admin.groupDeletedMoved', { name: group.name, to: target.name }) : t('admin.groupDeleted', { name: group.name }));
      editor.closeIf(group);
      editor.cancelDelete();
      groups.reload();
    } catch (caught) {
      setNotice(describeError(caught, t));
      editor.cancelDelete();
    } finally {
      setRemoving(false);
    }
  };
  return (
    <>
      <ListPage
        title={t('admin.groups')}
        loadError={groups.error}
        notice={notice}
        rows={groups.data?.groups}
        empty={t('admin.groupsEmpty')}
        columns={[
          { header: t('admin.name'), cell: (group) => group.name },
          { header: t('admin.strategy'), cell: (group) => t(`strategy.${group.strategy}`) },
          { header: t('admin.members'), cell: (group) => group.memberIds.length },
        ]}
        nameOf={(group) => group.name}
        editor={{ ...editor, askDelete }}
        confirmDelete={{
          title: (group) => t('admin.groupDeleteTitle', { name: group.name }),
          busy: removing,
          onConfirm: (group) => void remove(group),
          body: () => (
            <div className="field">
              <label htmlFor={moveId}>{t('admin.groupMoveTo')}</label>
              <select id={moveId} value={moveTo} onChange={(event) => setMoveTo(event.target.value)}>
                {others.map((group) => (
                  <option key={group.id} value={group.id}>
                    {group.name}
                  </option>
                ))}
                <option value="">{t('admin.groupMoveNowhere')}</option>
              </select>
              <small className="hint">{t('admin.groupMoveHint')}</small>
            </div>
          ),
        }}
      >
        <GroupForm
          key={editor.formKey}
          api={api}
          group={editor.editing}
          onCancel={editor.stopEditing}
          onSaved={(name) => {
            setNotice(editor.editing ? t('admin.groupSaved', { name }) : undefined);
            editor.stopEditing();
            groups.reload();
          }}
        />
      </ListPage>
      <h2 className="section">{t('admin.skills')}</h2>
      <ul className="tags" aria-label={t('admin.skills')}>
        {skills.data?.skills.map((skill) => (
          <li key={skill.id}>{skill.name}</li>
        ))}
      </ul>
      <form className="admin-form" onSubmit={(event) => void skillForm.onSubmit(event)} aria-label={t('admin.addSkill')}>
        <Field label={t('admin.name')} name="name" required maxLength={100} />
        {skillForm.error && (
          <p role="alert" className="error">
            {skillForm.error}
          </p>
        )}
        <button type="submit" disabled={skillForm.busy}>
          {t('admin.addSkill')}
        </button>
      </form>
    </>
  );
}

/** Adds a group, or renames one and changes how it assigns. */
function GroupForm({ api, group, onSaved, onCancel }: { api: AdminApi; group: GroupView | undefined; onSaved(name: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const id = useId();
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const body = { name: formText(form, 'name'), strategy: formText(form, 'strategy') as GroupStrategy };
        if (group) await api.updateGroup(group.id, body);
        else await api.createGroup(body);
        onSaved(body.name);
      },
      [api, group, onSaved],
    ),
    useCallback((caught: unknown) => describeError(caught, t), [t]),
    { resetOnSuccess: true },
  );
  return (
    <ListForm
      title={group ? t('admin.editGroup', { name: group.name }) : t('admin.addGroup')}
      editing={group !== undefined}
      addLabel={t('admin.addGroup')}
      busy={busy}
      error={error}
      onSubmit={onSubmit}
      onCancel={onCancel}
    >
      <Field label={t('admin.name')} name="name" required maxLength={100} defaultValue={group?.name ?? ''} />
      <div className="field">
        <label htmlFor={`${id}-strategy`}>{t('admin.strategy')}</label>
        <select id={`${id}-strategy`} name="strategy" defaultValue={group?.strategy ?? 'round_robin'}>
          {strategies.map((strategy) => (
            <option key={strategy} value={strategy}>
              {t(`strategy.${strategy}`)}
            </option>
          ))}
        </select>
      </div>
    </ListForm>
  );
}
