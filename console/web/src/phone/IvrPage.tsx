import { useCallback, useState } from 'react';
import { adminApi } from '../api/admin.js';
import { useLoad } from '../admin/useLoad.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import type { IvrFlow } from './api.js';
import { usePhoneApi } from './usePhoneApi.js';

type Prompt = { type: 'sound'; media: string } | { type: 'text'; text: string; language?: string };
type Target =
  | { type: 'menu'; menuId: string }
  | { type: 'queue'; groupId: string; priority?: number }
  | { type: 'agent'; agentId: string }
  | { type: 'voicemail' }
  | { type: 'hangup' };
interface Menu {
  id: string;
  prompt: Prompt;
  options: Record<string, Target>;
  timeoutSeconds: number;
  maxRetries: number;
  [other: string]: unknown;
}
interface Flow {
  start: Target;
  businessHours?: { calendarId: string; closed: Target };
  menus: Menu[];
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'];
const EMPTY: Flow = {
  start: { type: 'menu', menuId: 'main' },
  menus: [{ id: 'main', prompt: { type: 'text', text: '' }, options: {}, timeoutSeconds: 5, maxRetries: 2 }],
};

interface Choices {
  menus: string[];
  groups: { id: string; name: string }[];
  agents: { id: string; name: string }[];
}

/** Phone menus (IVR) as the admin edits them: menus, keys and where each leads, the business-hours branch, timeouts and retries; the server's checks are shown as they come back. */
export function IvrPage() {
  const { t } = useI18n();
  const api = usePhoneApi();
  const { client } = useApi();
  const load = useCallback(async () => {
    const admin = adminApi(client);
    const [flows, groups, agents, calendars] = await Promise.all([
      api.flows(),
      admin.groups(),
      admin.users(),
      admin.calendars().catch(() => ({ calendars: [] })),
    ]);
    return { flows: flows.flows, groups: groups.groups, agents: agents.users, calendars: calendars.calendars };
  }, [api, client]);
  const { data, error, reload } = useLoad(load);
  const [draft, setDraft] = useState<{ id?: string; name: string; flow: Flow }>();
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();

  if (error) return <p role="alert">{describeError(error, t)}</p>;
  if (!data) return <p>{t('app.loading')}</p>;
  const edit = (flow?: IvrFlow) => {
    setStatus(undefined);
    setDraft(flow ? { id: flow.id, name: flow.name, flow: structuredClone(flow.definition as Flow) } : { name: '', flow: structuredClone(EMPTY) });
  };
  const save = async () => {
    if (!draft) return;
    setStatus(undefined);
    try {
      const saved = await api.saveFlow({ ...(draft.id ? { id: draft.id } : {}), name: draft.name.trim(), definition: draft.flow });
      setDraft({ ...draft, id: saved.id });
      setStatus({ ok: true, text: t('phone.ivrSaved') });
      reload();
    } catch (caught) {
      setStatus({ ok: false, text: describeError(caught, t) });
    }
  };
  const choices: Choices = { menus: draft?.flow.menus.map((m) => m.id) ?? [], groups: data.groups, agents: data.agents };
  const setFlow = (change: (flow: Flow) => void) =>
    setDraft((d) => {
      if (!d) return d;
      const flow = structuredClone(d.flow);
      change(flow);
      return { ...d, flow };
    });
  return (
    <section aria-label={t('phone.nav.ivr')}>
      <h1>{t('phone.nav.ivr')}</h1>
      <ul>
        {data.flows.map((flow) => (
          <li key={flow.id}>
            <button type="button" className="link" onClick={() => edit(flow)}>
              {flow.name}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => edit()}>
        {t('phone.newIvr')}
      </button>
      {draft && (
        <form
          aria-label={t('phone.ivrEditor')}
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <label>
            {t('phone.ivrName')}
            <input value={draft.name} onChange={(event) => setDraft({ ...draft, name: event.target.value })} maxLength={100} required />
          </label>
          <fieldset>
            <legend>{t('phone.ivrStart')}</legend>
            <TargetEditor target={draft.flow.start} choices={choices} onChange={(target) => setFlow((f) => (f.start = target))} />
          </fieldset>
          <fieldset>
            <legend>{t('phone.ivrHours')}</legend>
            <label>
              {t('phone.ivrCalendar')}
              <select
                value={draft.flow.businessHours?.calendarId ?? ''}
                onChange={(event) =>
                  setFlow((f) => {
                    if (!event.target.value) delete f.businessHours;
                    else f.businessHours = { calendarId: event.target.value, closed: f.businessHours?.closed ?? { type: 'voicemail' } };
                  })
                }
              >
                <option value="">{t('phone.ivrAlwaysOpen')}</option>
                {data.calendars.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            {draft.flow.businessHours && (
              <div>
                {t('phone.ivrClosed')}{' '}
                <TargetEditor
                  target={draft.flow.businessHours.closed}
                  choices={choices}
                  onChange={(target) => setFlow((f) => f.businessHours && (f.businessHours.closed = target))}
                />
              </div>
            )}
          </fieldset>
          {draft.flow.menus.map((menu, index) => (
            <MenuEditor
              // biome-ignore lint/suspicious/noArrayIndexKey: the menu editors keep no state of their own; the id is being edited
              key={index}
              menu={menu}
              choices={choices}
              onChange={(next) => setFlow((f) => (f.menus[index] = next))}
              onRemove={() => setFlow((f) => f.menus.splice(index, 1))}
            />
          ))}
          <button
            type="button"
            onClick={() =>
              setFlow((f) =>
                f.menus.push({ id: `menu${f.menus.length + 1}`, prompt: { type: 'text', text: '' }, options: {}, timeoutSeconds: 5, maxRetries: 2 }),
              )
            }
          >
            {t('phone.addMenu')}
          </button>
          <button type="submit" className="primary">
            {t('phone.saveIvr')}
          </button>
          {status && <p role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
        </form>
      )}
    </section>
  );
}

function MenuEditor({ menu, choices, onChange, onRemove }: { menu: Menu; choices: Choices; onChange(menu: Menu): void; onRemove(): void }) {
  const { t } = useI18n();
  const used = Object.keys(menu.options);
  const free = KEYS.filter((k) => !used.includes(k));
  return (
    <fieldset className="ivr-menu">
      <legend>{t('phone.menu', { id: menu.id })}</legend>
      <label>
        {t('phone.menuId')}
        <input value={menu.id} onChange={(event) => onChange({ ...menu, id: event.target.value })} maxLength={40} />
      </label>
      <label>
        {t('phone.promptType')}
        <select
          value={menu.prompt.type}
          onChange={(event) => onChange({ ...menu, prompt: event.target.value === 'sound' ? { type: 'sound', media: '' } : { type: 'text', text: '' } })}
        >
          <option value="text">{t('phone.promptText')}</option>
          <option value="sound">{t('phone.promptSound')}</option>
        </select>
      </label>
      <label>
        {t('phone.prompt')}
        <input
          value={menu.prompt.type === 'sound' ? menu.prompt.media : menu.prompt.text}
          onChange={(event) =>
            onChange({
              ...menu,
              prompt: menu.prompt.type === 'sound' ? { type: 'sound', media: event.target.value } : { ...menu.prompt, text: event.target.value },
            })
          }
          maxLength={2000}
        />
      </label>
      <label>
        {t('phone.timeout')}
        <input
          type="number"
          min={1}
          max={60}
          value={menu.timeoutSeconds}
          onChange={(event) => onChange({ ...menu, timeoutSeconds: Number(event.target.value) })}
        />
      </label>
      <label>
        {t('phone.retries')}
        <input type="number" min={0} max={5} value={menu.maxRetries} onChange={(event) => onChange({ ...menu, maxRetries: Number(event.target.value) })} />
      </label>
      <table className="table">
        <tbody>
          {Object.entries(menu.options).map(([key, target]) => (
            <tr key={key}>
              <td>{t('phone.key', { key })}</td>
              <td>
                <TargetEditor target={target} choices={choices} onChange={(next) => onChange({ ...menu, options: { ...menu.options, [key]: next } })} />
              </td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    const options = { ...menu.options };
                    delete options[key];
                    onChange({ ...menu, options });
                  }}
                >
                  {t('phone.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {free.length > 0 && (
        <button type="button" onClick={() => onChange({ ...menu, options: { ...menu.options, [free[0]!]: { type: 'hangup' } } })}>
          {t('phone.addKey')}
        </button>
      )}
      <button type="button" className="link" onClick={onRemove}>
        {t('phone.removeMenu')}
      </button>
    </fieldset>
  );
}

function TargetEditor({ target, choices, onChange }: { target: Target; choices: Choices; onChange(target: Target): void }) {
  const { t } = useI18n();
  const setType = (type: Target['type']) => {
    if (type === 'menu') onChange({ type, menuId: choices.menus[0] ?? '' });
    else if (type === 'queue') onChange({ type, groupId: choices.groups[0]?.id ?? '' });
    else if (type === 'agent') onChange({ type, agentId: choices.agents[0]?.id ?? '' });
    else onChange({ type });
  };
  return (
    <span className="target">
      <select aria-label={t('phone.targetType')} value={target.type} onChange={(event) => setType(event.target.value as Target['type'])}>
        {(['menu', 'queue', 'agent', 'voicemail', 'hangup'] as const).map((type) => (
          <option key={type} value={type}>
            {t(`phone.target.${type}`)}
          </option>
        ))}
      </select>
      {target.type === 'menu' && (
        <select aria-label={t('phone.target.menu')} value={target.menuId} onChange={(event) => onChange({ type: 'menu', menuId: event.target.value })}>
          {!choices.menus.includes(target.menuId) && <option value={target.menuId}>{target.menuId}</option>}
          {choices.menus.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      )}
      {target.type === 'queue' && (
        <select aria-label={t('phone.target.queue')} value={target.groupId} onChange={(event) => onChange({ type: 'queue', groupId: event.target.value })}>
          {choices.groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      )}
      {target.type === 'agent' && (
        <select aria-label={t('phone.target.agent')} value={target.agentId} onChange={(event) => onChange({ type: 'agent', agentId: event.target.value })}>
          {choices.agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      )}
    </span>
  );
}
