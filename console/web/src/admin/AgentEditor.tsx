import { useCallback, useEffect, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { GroupView, RoleView, UserView } from '../api/types.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError, UserError } from '../pages/describe-error.js';
import { ListForm } from './AdminList.js';

/** The skills to save from the form: every checked skill with its level (1–5). */
export function chosenSkills(form: FormData, skillIds: readonly string[]): { skillId: string; level: number }[] {
  return skillIds
    .filter((id) => form.get(`skill-${id}`) === 'on')
    .map((id) => ({ skillId: id, level: Math.min(5, Math.max(1, Number(form.get(`level-${id}`)) || 1)) }));
}

const KINDS = ['chat', 'email', 'voice'] as const;
const MAX = { chat: 1000, email: 10_000, voice: 10 } as const;

/** The capacity to save: each kind filled in, as a whole number. */
export function chosenCapacity(form: FormData): { chat?: number; email?: number; voice?: number } {
  const capacity: { chat?: number; email?: number; voice?: number } = {};
  for (const kind of KINDS) {
    const raw = String(form.get(`capacity-${kind}`) ?? '').trim();
    if (raw !== '' && Number.isInteger(Number(raw))) capacity[kind] = Number(raw);
  }
  return capacity;
}

/** Changes an agent's role, groups, how many conversations they take at once, and skills (with levels, for skill-based assignment). */
export function AgentEditor({
  api,
  user,
  roles,
  groups,
  roleLabel,
  onDone,
}: {
  api: AdminApi;
  user: UserView;
  roles: RoleView[];
  groups: GroupView[];
  roleLabel(role: RoleView): string;
  onDone(saved: boolean): void;
}) {
  const { t } = useI18n();
  const [skills, setSkills] = useState<{ id: string; name: string }[]>();
  const [levels, setLevels] = useState<Record<string, number>>({});
  useEffect(() => {
    let current = true;
    Promise.all([api.skills(), api.userSkills(user.id)]).then(
      ([all, mine]) => {
        if (!current) return;
        setSkills(all.skills);
        setLevels(Object.fromEntries(mine.skills.map((skill) => [skill.skillId, skill.level])));
      },
      () => current && setSkills([]),
    );
    return () => {
      current = false;
    };
  }, [api, user.id]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const groupIds = form.getAll('groupIds').map(String);
        if (groupIds.length === 0) throw new UserError(t('admin.pickGroup'));
        await api.updateUser(user.id, { roleId: formText(form, 'roleId'), groupIds });
        const capacity = chosenCapacity(form);
        if (Object.keys(capacity).length) await api.setCapacity(user.id, capacity);
        if (skills)
          await api.setUserSkills(
            user.id,
            chosenSkills(
              form,
              skills.map((skill) => skill.id),
            ),
          );
        onDone(true);
      },
      [api, user.id, skills, onDone, t],
    ),
    useCallback((caught: unknown) => describeError(caught, t), [t]),
  );
  const title = t('admin.editAgent', { name: user.name });
  return (
    <ListForm
      title={title}
      editing
      addLabel={t('form.save')}
      saveLabel={t('form.save')}
      busy={busy || skills === undefined}
      error={error}
      onSubmit={onSubmit}
      onCancel={() => onDone(false)}
    >
      <div className="field">
        <label htmlFor={`role-${user.id}`}>{t('admin.role')}</label>
        <select id={`role-${user.id}`} name="roleId" defaultValue={user.roleId}>
          {roles.map((role) => (
            <option key={role.id} value={role.id}>
              {roleLabel(role)}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="field">
        <legend>{t('admin.groups')}</legend>
        {groups.map((group) => (
          <label key={group.id} className="check">
            <input type="checkbox" name="groupIds" value={group.id} defaultChecked={user.groupIds.includes(group.id)} /> {group.name}
          </label>
        ))}
      </fieldset>
      <fieldset className="field capacity">
        <legend>{t('admin.capacity')}</legend>
        {KINDS.map((kind) => (
          <label key={kind} className="check">
            <input
              type="number"
              name={`capacity-${kind}`}
              min={0}
              max={MAX[kind]}
              step={1}
              defaultValue={user.capacity?.[kind] ?? ''}
              aria-label={t(`admin.capacity.${kind}`)}
            />{' '}
            {t(`admin.capacity.${kind}`)}
          </label>
        ))}
      </fieldset>
      {skills && skills.length > 0 && (
        <fieldset className="field">
          <legend>{t('admin.skills')}</legend>
          {skills.map((skill) => (
            <div key={skill.id} className="check">
              <label className="check">
                <input type="checkbox" name={`skill-${skill.id}`} defaultChecked={levels[skill.id] !== undefined} /> {skill.name}
              </label>
              <label>
                <span className="visually-hidden">{t('admin.skillLevel', { skill: skill.name })}</span>
                <select name={`level-${skill.id}`} defaultValue={String(levels[skill.id] ?? 3)} aria-label={t('admin.skillLevel', { skill: skill.name })}>
                  {[1, 2, 3, 4, 5].map((level) => (
                    <option key={level} value={level}>
                      {level}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          ))}
        </fieldset>
      )}
    </ListForm>
  );
}
