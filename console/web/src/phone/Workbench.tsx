import { useState } from 'react';
import { useSearch } from 'wouter';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import type { PhoneStatus } from './api.js';
import { CallControls } from './CallControls.js';
import { DialPad } from './DialPad.js';
import { ScreenPop } from './ScreenPop.js';
import { when } from './format.js';
import { usePhone } from './usePhone.js';

const PHONE_STATUSES: PhoneStatus[] = ['offline', 'ip_phone', 'web_phone', 'mobile'];

/**
 * The agent's phone workbench: where their phone rings (offline, desk phone, web phone, mobile),
 * the queues they sit in and their work state; the caller's record the moment a call rings them;
 * transfer and the business record during the call; the dial pad; and the pops they missed.
 */
export function Workbench() {
  const { t } = useI18n();
  const phone = usePhone();
  const { api, me, current } = phone;
  const search = new URLSearchParams(useSearch());
  const [statusError, setStatusError] = useState<string>();
  // What became of the last call this agent handed on; kept here because the call controls go away
  // with the call, and cleared when the next call reaches the agent.
  const [handedOn, setHandedOn] = useState<{ callId: string; text: string }>();

  if (phone.error && !me) return <p role="alert">{describeError(phone.error, t)}</p>;
  if (!me) return <p>{t('app.loading')}</p>;

  const changePhone = async (next: PhoneStatus) => {
    setStatusError(undefined);
    try {
      await api.setPhoneStatus(next);
      await phone.reload();
    } catch (caught) {
      setStatusError(describeError(caught, t));
    }
  };
  const live = me.call;
  const outcome = handedOn && (!live || live.id === handedOn.callId) ? handedOn.text : undefined;
  const conversationId = live?.conversationId ?? (current && live?.id === current.callId ? current.conversationId : undefined);
  return (
    <div className="workbench">
      <section className="phone-state" aria-label={t('phone.myPhone')}>
        <label>
          {t('phone.phoneStatus')}
          <select value={me.phoneStatus} onChange={(event) => void changePhone(event.target.value as PhoneStatus)}>
            {PHONE_STATUSES.map((s) => (
              <option key={s} value={s} disabled={s !== 'offline' && !me.reachable[s]}>
                {t(`phone.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <p>
          {t('phone.workState')}: <strong data-testid="work-state">{t(`phone.work.${me.workState}`)}</strong>
        </p>
        <p>
          {t('phone.myQueues')}: {me.queues.length ? me.queues.map((q) => q.name).join(', ') : t('phone.none')}
        </p>
        {statusError && <p role="alert">{statusError}</p>}
      </section>

      <section className="live-call" aria-label={t('phone.currentCall')}>
        <h2>{t('phone.currentCall')}</h2>
        {live ? (
          <p>{t(live.state === 'ringing' ? 'phone.ringingFrom' : 'phone.talkingWith', { number: live.number })}</p>
        ) : (
          <p className="muted">{t('phone.noCall')}</p>
        )}
        {outcome && <p role="status">{outcome}</p>}
        {live?.state === 'answered' && conversationId && (
          <CallControls
            api={api}
            conversationId={conversationId}
            call={{ id: live.id, onHold: live.onHold }}
            onChanged={() => void phone.reload()}
            onTransferred={(text) => {
              setHandedOn({ callId: live.id, text });
              void phone.reload();
            }}
          />
        )}
        {current && <ScreenPop key={current.callId} api={api} callId={current.callId} number={current.number} />}
      </section>

      <section aria-label={t('phone.dialPad')}>
        <h2>{t('phone.dialPad')}</h2>
        <DialPad api={api} me={me} initialNumber={search.get('dial') ?? undefined} onPlaced={() => void phone.reload()} />
      </section>

      <section aria-label={t('phone.popHistory')}>
        <h2>{t('phone.popHistory')}</h2>
        {phone.pops.length === 0 ? (
          <p className="muted">{t('phone.none')}</p>
        ) : (
          <ul className="pop-history">
            {phone.pops.map((pop) => (
              <li key={pop.callId}>
                <button type="button" className="link" onClick={() => phone.open(pop)}>
                  {pop.number} · {when(pop.at)}
                </button>{' '}
                <span className={`pill ${pop.outcome}`}>{t(`phone.pop.${pop.outcome}`)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
