import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { GroupView, Macro, MacroAction, UserView } from '../api/types.js';
import { Field } from '../components/Field.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { ListForm, ListPage, useListEditor } from './AdminList.js';
import { useLoad } from './useLoad.js';

const TYPES: MacroAction['type'][] = ['reply', 'note', 'add_tag', 'assign_agent', 'assign_group', 'set_priority', 'resolve'];

const blank = (type: MacroAction['type']): MacroAction =>
  type === 'reply' || type === 'note'
    ? { type, text: '' }
    : type === 'add_tag'
      ? { type, tag: '' }
      : type === 'assign_agent'
        ? { type, agentId: '' }
        : type === 'assign_group'
          ? { type, groupId: '' }
          : type === 'set_priority'
            ? { type, priority: 0 }
            : { type };

/** Named sets of actions (reply, note, tag, assign, priority, resolve) agents run on a conversation with one click. */
export function MacrosPage({ api }: { api: AdminApi }) {
  const { t } = useI18n();
  const load = useLoad(useCallback(() => api.macros(), [api]));
  const [agents, setAgents] = useState<UserView[]>([]);
  const [groups, setGroups] = useState<GroupView[]>([]);
  useEffect(() => {
    api.users().then(
      (a) => setAgents(a.users),
      () => setAgents([]),
    );
    api.groups().then(
      (g) => setGroups(g.groups),
      () => setGroups([]),
    );
  }, [api]);
  const [notice, setNotice] = useState<string>();
  const editor = useListEditor<Macro>();
  const describe = (a: MacroAction) =>
    describeAction(
      a,
      t,
      (id) => agents.find((u) => u.id === id)?.name,
      (id) => groups.find((g) => g.id === id)?.name,
    );
  const remove = async (macro: Macro) => {
    editor.cancelDelete();
    editor.closeIf(macro);
    try {
      await api.deleteMacro(macro.id);
      setNotice(t('macros.deleted', { name: macro.name }));
      load.reload();
    } catch (caught) {
      setNotice(describeError(caught, t));
    }
  };
  return (
    <ListPage
      title={t('admin.macros')}
      hint={t('macros.intro')}
      loadError={load.error}
      notice={notice}
      rows={load.data?.macros}
      scroll
      columns={[
        { header: t('macros.name'), cell: (macro) => macro.name },
        {
          header: t('macros.actions'),
          cell: (macro) => (
            <ol className="macro-steps">
              {macro.actions.map((a, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a saved macro's steps are read-only here
                <li key={i}>{describe(a)}</li>
              ))}
            </ol>
          ),
        },
      ]}
      nameOf={(macro) => macro.name}
      editor={editor}
      confirmDelete={{ title: (macro) => t('macros.deleteTitle', { name: macro.name }), onConfirm: (macro) => void remove(macro) }}
    >
      <MacroForm
        key={editor.formKey}
        api={api}
        macro={editor.editing}
        agents={agents}
        groups={groups}
        onCancel={editor.stopEditing}
        onSaved={(saved) => {
          setNotice(t('macros.saved', { name: saved.name }));
          editor.stopEditing();
          load.reload();
        }}
      />
    </ListPage>
  );
}

type T = ReturnType<typeof useI18n>['t'];

/** One action as a line a person reads ("Reply: Hello…", "Assign to Li Lei"). */
export function describeAction(a: MacroAction, t: T, agentName: (id: string) => string | undefined, groupName: (id: string) => string | undefined): string {
  const label = t(`macros.type.${a.type}`);
  switch (a.type) {
    case 'reply':
    case 'note':
      return `${label}: ${a.text.length > 60 ? `${a.text.slice(0, 60)}…` : a.text}`;
    case 'add_tag':
      return `${label}: ${a.tag}`;
    case 'assign_agent':
      return `${label}: ${agentName(a.agentId) ?? '—'}`;
    case 'assign_group':
      return `${label}: ${groupName(a.groupId) ?? '—'}`;
    case 'set_priority':
      return `${label}: ${a.priority}`;
    default:
      return label;
  }
}

function MacroForm({
  api,
  macro,
  agents,
  groups,
  onSaved,
  onCancel,
}: {
  api: AdminApi;
  macro: Macro | undefined;
  agents: UserView[];
  groups: GroupView[];
  onSaved(saved: Macro): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(macro?.name ?? '');
  const [actions, setActions] = useState<MacroAction[]>(macro?.actions ?? [blank('reply')]);
  // A stable key per step, moved with it, so a reorder keeps each step's inputs.
  const [keys, setKeys] = useState<number[]>(() => actions.map((_, i) => i));
  const nextKey = useRef(actions.length);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const change = (index: number, next: MacroAction) => setActions((list) => list.map((a, i) => (i === index ? next : a)));
  const moved = <T,>(list: T[], index: number, by: number) => {
    const copy = [...list];
    const [item] = copy.splice(index, 1);
    copy.splice(index + by, 0, item!);
    return copy;
  };
  const move = (index: number, by: number) => {
    setActions((list) => moved(list, index, by));
    setKeys((list) => moved(list, index, by));
  };
  const removeStep = (index: number) => {
    setActions((list) => list.filter((_, i) => i !== index));
    setKeys((list) => list.filter((_, i) => i !== index));
  };
  const addStep = () => {
    setActions((list) => [...list, blank('note')]);
    setKeys((list) => [...list, nextKey.current++]);
  };
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const saved = macro ? await api.updateMacro(macro.id, { name, actions }) : await api.createMacro({ name, actions });
      if (!macro) {
        setName('');
        setActions([blank('reply')]);
        setKeys([nextKey.current++]);
      }
      onSaved(saved);
    } catch (caught) {
      setError(describeError(caught, t));
    } finally {
      setBusy(false);
    }
  };
  const title = macro ? t('admin.editNamed', { name: macro.name }) : t('macros.add');
  return (
    <ListForm title={title} editing={macro !== undefined} addLabel={t('macros.add')} busy={busy} error={error} onSubmit={submit} onCancel={onCancel}>
      <Field label={t('macros.name')} name="name" required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
      <fieldset className="macro-actions">
        <legend>{t('macros.actions')}</legend>
        <p className="hint">{t('macros.variablesHint')}</p>
        {actions.map((a, index) => (
          <fieldset className="macro-action" key={keys[index]} aria-label={t('macros.step', { n: index + 1 })}>
            <select aria-label={t('macros.actionType')} value={a.type} onChange={(event) => change(index, blank(event.target.value as MacroAction['type']))}>
              {TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`macros.type.${type}`)}
                </option>
              ))}
            </select>
            {(a.type === 'reply' || a.type === 'note') && (
              <textarea
                aria-label={t(`macros.type.${a.type}`)}
                required
                maxLength={10000}
                rows={2}
                value={a.text}
                onChange={(event) => change(index, { ...a, text: event.target.value })}
              />
            )}
            {a.type === 'add_tag' && (
              <input
                aria-label={t('macros.type.add_tag')}
                required
                maxLength={50}
                value={a.tag}
                onChange={(event) => change(index, { ...a, tag: event.target.value })}
              />
            )}
            {a.type === 'assign_agent' && (
              <select
                aria-label={t('macros.type.assign_agent')}
                required
                value={a.agentId}
                onChange={(event) => change(index, { ...a, agentId: event.target.value })}
              >
                <option value="">{t('macros.choose')}</option>
                {agents.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            )}
            {a.type === 'assign_group' && (
              <select
                aria-label={t('macros.type.assign_group')}
                required
                value={a.groupId}
                onChange={(event) => change(index, { ...a, groupId: event.target.value })}
              >
                <option value="">{t('macros.choose')}</option>
                {groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            )}
            {a.type === 'set_priority' && (
              <input
                type="number"
                aria-label={t('macros.type.set_priority')}
                min={-100}
                max={100}
                step={1}
                required
                value={a.priority}
                onChange={(event) => change(index, { ...a, priority: Number(event.target.value) })}
              />
            )}
            <button type="button" className="link" disabled={index === 0} onClick={() => move(index, -1)} aria-label={t('macros.up')}>
              ↑
            </button>
            <button type="button" className="link" disabled={index === actions.length - 1} onClick={() => move(index, 1)} aria-label={t('macros.down')}>
              ↓
            </button>
            <button
              type="button"
              className="link"
              disabled={actions.length === 1}
              onClick={() => removeStep(index)}
              aria-label={t('macros.removeStep', { n: index + 1 })}
            >
              ×
            </button>
          </fieldset>
        ))}
        <button type="button" className="secondary small" disabled={actions.length >= 20} onClick={addStep}>
          {t('macros.addStep')}
        </button>
      </fieldset>
    </ListForm>
  );
}
