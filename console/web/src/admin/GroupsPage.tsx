import { useCallback, useId, useRef, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { GroupStrategy, GroupView } from '../api/types.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { useEditorInView } from './useEditorInView.js';
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
  const [editing, setEditing] = useState<GroupView | 'new'>('new');
  const [deleting, setDeleting] = useState<GroupView>();
  const [moveTo, setMoveTo] = useState('');
  const [removing, setRemoving] = useState(false);
  const moveId = useId();
  const others = (groups.data?.groups ?? []).filter((group) => group.id !== deleting?.id);
  const askDelete = (group: GroupView) => {
    setMoveTo((groups.data?.groups ?? []).find((other) => other.id !== group.id)?.id ?? '');
    setDeleting(group);
  };
  const remove = async (group: GroupView) => {
    setRemoving(true);
    try {
      await api.deleteGroup(group.id, moveTo || undefined);
      const target = others.find((other) => other.id === moveTo);
      setNotice(target ? t('admin.groupDeletedMoved', { name: group.name, to: target.name }) : t('admin.groupDeleted', { name: group.name }));
      if (editing !== 'new' && editing.id === group.id) setEditing('new');
      setDeleting(undefined);
      groups.reload();
    } catch (caught) {
      setNotice(describeError(caught, t));
      setDeleting(undefined);
    } finally {
      setRemoving(false);
    }
  };
  return (
    <>
      <h1>{t('admin.groups')}</h1>
      {groups.error !== undefined && (
        <p role="alert" className="error">
          {describeError(groups.error, t)}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      <table className="admin-table" aria-label={t('admin.groups')}>
        <thead>
          <tr>
            <th scope="col">{t('admin.name')}</th>
            <th scope="col">{t('admin.strategy')}</th>
            <th scope="col">{t('admin.members')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('admin.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.data?.groups.map((group) => (
            <tr key={group.id}>
              <td>{group.name}</td>
              <td>{t(`strategy.${group.strategy}`)}</td>
              <td>{group.memberIds.length}</td>
              <td>
                <button type="button" className="link" onClick={() => setEditing(group)} aria-label={t('admin.editNamed', { name: group.name })}>
                  {t('admin.edit')}
                </button>
                <button type="button" className="link" onClick={() => askDelete(group)} aria-label={t('admin.deleteNamed', { name: group.name })}>
                  {t('admin.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting && (
        <ConfirmDialog
          title={t('admin.groupDeleteTitle', { name: deleting.name })}
          confirmLabel={t('admin.delete')}
          busy={removing}
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => void remove(deleting)}
        >
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
        </ConfirmDialog>
      )}
      <GroupForm
        key={editing === 'new' ? 'new' : editing.id}
        api={api}
        group={editing === 'new' ? undefined : editing}
        onCancel={() => setEditing('new')}
        onSaved={(name) => {
          setNotice(editing === 'new' ? undefined : t('admin.groupSaved', { name }));
          setEditing('new');
          groups.reload();
        }}
      />
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
  const formRef = useRef<HTMLFormElement>(null);
  useEditorInView(formRef, group !== undefined);
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
  const title = group ? t('admin.editGroup', { name: group.name }) : t('admin.addGroup');
  return (
    <form ref={formRef} className="admin-form" onSubmit={(event) => void onSubmit(event)} aria-label={title}>
      <h2>{title}</h2>
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
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {group ? t('admin.save') : t('admin.addGroup')}
        </button>
        {group && (
          <button type="button" className="secondary" onClick={onCancel}>
            {t('admin.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
