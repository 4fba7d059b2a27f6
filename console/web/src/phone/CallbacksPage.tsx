import { useCallback, useState } from 'react';
import { Link } from 'wouter';
import { useLoad } from '../admin/useLoad.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { useFeedEvents } from '../realtime/feed.js';
import type { CallbackPlan } from './api.js';
import { when } from './format.js';
import { usePhoneApi } from './usePhoneApi.js';

/** A `datetime-local` value for a moment, in the browser's time zone. */
const localInput = (iso: string) => {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** Callback plans (回访计划): due ones first and marked, reminders as they come due, reschedule, done with a result, reassign. */
export function CallbacksPage() {
  const { t } = useI18n();
  const api = usePhoneApi();
  const { conversations } = useApi();
  const session = useSignedIn();
  const mayAssign = hasPermission(session, 'conversations.assign');
  const load = useCallback(async () => {
    const [plans, agents] = await Promise.all([
      api.callbacks({ status: 'planned' }),
      mayAssign ? conversations.agents().catch(() => ({ users: [] })) : Promise.resolve({ users: [] }),
    ]);
    return { plans: plans.plans, agents: agents.users };
  }, [api, conversations, mayAssign]);
  const { data, error, reload } = useLoad(load);
  const [reminders, setReminders] = useState<string[]>([]);
  useFeedEvents((event) => {
    if (event.kind === 'callback.due' && event.payload.agentId === session.user.id) {
      setReminders((list) => [t('phone.callbackDue', { phone: event.payload.plan.phone }), ...list].slice(0, 5));
      reload();
    }
  });
  return (
    <section aria-label={t('phone.nav.callbacks')}>
      <h1>{t('phone.nav.callbacks')}</h1>
      {reminders.map((text, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: reminders only arrive at the top and are never edited
        <p key={`${text}-${i}`} role="alert" className="notice">
          {text}
        </p>
      ))}
      {error ? <p role="alert">{describeError(error, t)}</p> : null}
      {!data ? (
        <p>{t('app.loading')}</p>
      ) : data.plans.length === 0 ? (
        <p className="muted">{t('phone.none')}</p>
      ) : (
        <ul className="callbacks">
          {data.plans.map((plan) => (
            <PlanRow key={plan.id} plan={plan} agents={data.agents} mayAssign={mayAssign} onChanged={reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

function PlanRow({
  plan,
  agents,
  mayAssign,
  onChanged,
}: {
  plan: CallbackPlan;
  agents: { id: string; name: string }[];
  mayAssign: boolean;
  onChanged(): void;
}) {
  const { t } = useI18n();
  const api = usePhoneApi();
  const [dueAt, setDueAt] = useState(localInput(plan.dueAt));
  const [result, setResult] = useState('');
  const [agentId, setAgentId] = useState(plan.agentId);
  const [error, setError] = useState<string>();
  const due = new Date(plan.dueAt).getTime() <= Date.now();
  const change = async (body: Parameters<typeof api.changeCallback>[1]) => {
    setError(undefined);
    try {
      await api.changeCallback(plan.id, body);
      onChanged();
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };
  return (
    <li className={due ? 'due' : undefined} aria-label={plan.phone}>
      <strong>{plan.phone}</strong> · {when(plan.dueAt)} {due && <span className="pill missed">{t('phone.due')}</span>}
      {plan.note && <p className="pre">{plan.note}</p>}
      <Link href={`/workbench?dial=${encodeURIComponent(plan.phone)}`}>{t('phone.call')}</Link>
      <label>
        {t('phone.reschedule')}
        <input type="datetime-local" value={dueAt} onChange={(event) => setDueAt(event.target.value)} />
      </label>
      <button type="button" onClick={() => void change({ dueAt: new Date(dueAt).toISOString() })}>
        {t('phone.reschedule')}
      </button>
      <label>
        {t('phone.result')}
        <input value={result} onChange={(event) => setResult(event.target.value)} maxLength={2000} />
      </label>
      <button type="button" disabled={!result.trim()} onClick={() => void change({ status: 'done', result: result.trim() })}>
        {t('phone.markDone')}
      </button>
      {mayAssign && (
        <>
          <label>
            {t('phone.reassign')}
            <select value={agentId} onChange={(event) => setAgentId(event.target.value)}>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
          <button type="button" disabled={agentId === plan.agentId} onClick={() => void change({ agentId })}>
            {t('phone.reassign')}
          </button>
        </>
      )}
      {error && <p role="alert">{error}</p>}
    </li>
  );
}
