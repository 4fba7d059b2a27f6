import { useCallback } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { GroupStrategy } from '../api/types.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
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
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        await api.createGroup({ name: formText(form, 'name'), strategy: formText(form, 'strategy') as GroupStrategy });
        groups.reload();
      },
      [api, groups.reload],
    ),
    useCallback((caught: unknown) => describeError(caught, t), [t]),
    { resetOnSuccess: true },
  );
  return (
    <>
      <h1>{t('admin.groups')}</h1>
      {groups.error !== undefined && (
        <p role="alert" className="error">
          {describeError(groups.error, t)}
        </p>
      )}
      <table className="admin-table" aria-label={t('admin.groups')}>
        <thead>
          <tr>
            <th scope="col">{t('admin.name')}</th>
            <th scope="col">{t('admin.strategy')}</th>
            <th scope="col">{t('admin.members')}</th>
          </tr>
        </thead>
        <tbody>
          {groups.data?.groups.map((group) => (
            <tr key={group.id}>
              <td>{group.name}</td>
              <td>{t(`strategy.${group.strategy}`)}</td>
              <td>{group.memberIds.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="admin-form" onSubmit={(event) => void onSubmit(event)} aria-label={t('admin.addGroup')}>
        <h2>{t('admin.addGroup')}</h2>
        <Field label={t('admin.name')} name="name" required maxLength={100} />
        <div className="field">
          <label htmlFor="group-strategy">{t('admin.strategy')}</label>
          <select id="group-strategy" name="strategy" defaultValue="round_robin">
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
        <button type="submit" disabled={busy}>
          {t('admin.addGroup')}
        </button>
      </form>
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
