import { useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import type { CallsApi, MyPhone } from './api.js';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** The dial pad: a number typed or pressed, a phone channel to call on; the agent's phone rings first, then the customer's. */
export function DialPad({ api, me, initialNumber, onPlaced }: { api: CallsApi; me: MyPhone; initialNumber?: string; onPlaced?(): void }) {
  const { t } = useI18n();
  const [number, setNumber] = useState(initialNumber ?? '');
  const [channelId, setChannelId] = useState(me.dialChannels[0]?.id ?? '');
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const valid = /^\+?[0-9*#]{3,20}$/.test(number.trim());
  const dial = async () => {
    setStatus(undefined);
    try {
      await api.dial(channelId, number.trim());
      setStatus({ ok: true, text: t('phone.dialing', { number: number.trim() }) });
      onPlaced?.();
    } catch (caught) {
      setStatus({ ok: false, text: describeError(caught, t) });
    }
  };
  if (me.dialChannels.length === 0) return <p className="muted">{t('phone.noDialChannel')}</p>;
  return (
    <form
      className="dial-pad"
      aria-label={t('phone.dialPad')}
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) void dial();
      }}
    >
      <label>
        {t('phone.number')}
        <input value={number} inputMode="tel" autoComplete="off" onChange={(event) => setNumber(event.target.value.replace(/[^0-9*#+]/g, ''))} maxLength={21} />
      </label>
      <fieldset className="keys">
        <legend className="visually-hidden">{t('phone.keys')}</legend>
        {KEYS.map((key) => (
          <button key={key} type="button" onClick={() => setNumber((n) => `${n}${key}`.slice(0, 21))}>
            {key}
          </button>
        ))}
        <button type="button" aria-label={t('phone.backspace')} onClick={() => setNumber((n) => n.slice(0, -1))}>
          ⌫
        </button>
      </fieldset>
      {me.dialChannels.length > 1 && (
        <label>
          {t('phone.callOn')}
          <select value={channelId} onChange={(event) => setChannelId(event.target.value)}>
            {me.dialChannels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" className="primary" disabled={!valid || me.phoneStatus === 'offline'}>
        {t('phone.call')}
      </button>
      {me.phoneStatus === 'offline' && <p className="muted">{t('phone.offlineCannotDial')}</p>}
      {status && <p role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
    </form>
  );
}
