import { useCallback, useState } from 'react';
import { Link } from 'wouter';
import { useLoad } from '../admin/useLoad.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import type { CallRecord } from './api.js';
import { dispositionLabel, seconds, when } from './format.js';
import { usePhoneApi } from './usePhoneApi.js';
import { shownContactName } from '../lib/contact-name.js';

/** Every call the agent may see, newest first, searchable by number or name; a call opens with its timeline and recording. */
export function CallRecordsPage() {
  const { t } = useI18n();
  const api = usePhoneApi();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const load = useCallback(() => api.list({ q: query || undefined }), [api, query]);
  const { data, error } = useLoad(load);
  const [open, setOpen] = useState<string>();
  return (
    <section aria-label={t('phone.nav.calls')}>
      <h1>{t('phone.nav.calls')}</h1>
      <form
        aria-label={t('phone.search')}
        onSubmit={(event) => {
          event.preventDefault();
          setQuery(q.trim());
        }}
      >
        <input
          aria-label={t('phone.searchCalls')}
          placeholder={t('phone.searchCalls')}
          value={q}
          onChange={(event) => setQ(event.target.value)}
          maxLength={64}
        />
        <button type="submit">{t('phone.search')}</button>
      </form>
      {error ? <p role="alert">{describeError(error, t)}</p> : null}
      {!data ? (
        <p>{t('app.loading')}</p>
      ) : data.calls.length === 0 ? (
        <p className="muted">{t('phone.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('phone.col.time')}</th>
              <th>{t('phone.col.direction')}</th>
              <th>{t('phone.col.number')}</th>
              <th>{t('phone.col.agent')}</th>
              <th>{t('phone.col.result')}</th>
              <th>{t('phone.col.talk')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.calls.map((call) => (
              <CallRow key={call.id} call={call} open={open === call.id} onToggle={() => setOpen(open === call.id ? undefined : call.id)} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CallRow({ call, open, onToggle }: { call: CallRecord; open: boolean; onToggle(): void }) {
  const { t } = useI18n();
  return (
    <>
      <tr>
        <td>{when(call.startedAt)}</td>
        <td>{t(call.direction === 'in' ? 'phone.inbound' : 'phone.outbound')}</td>
        <td>
          {call.contact?.name ? `${shownContactName(call.contact.name, t)} · ` : ''}
          {call.number}
        </td>
        <td>{call.agentName ?? '–'}</td>
        <td>{dispositionLabel(t, call.disposition)}</td>
        <td>{seconds(call.talkSeconds)}</td>
        <td>
          <button type="button" className="link" aria-expanded={open} onClick={onToggle}>
            {t('phone.details')}
          </button>{' '}
          <Link href={`/workbench?dial=${encodeURIComponent(call.number)}`}>{t('phone.callBack')}</Link>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={7}>
            <CallDetailView call={call} />
          </td>
        </tr>
      )}
    </>
  );
}

/** The call record's steps the console names in words (any other shows as recorded). */
const STEP_KINDS = new Set([
  'started',
  'menu',
  'key',
  'no_key',
  'queued',
  'position',
  'ringing',
  'not_answered',
  'unreachable',
  'requeued',
  'answered',
  'held',
  'resumed',
  'transferred',
  'recording',
  'voicemail',
  'max_wait',
  'callback_planned',
  'menu_hangup',
  'agent_hung_up',
  'customer_hung_up',
  'dialing_agent',
  'dialing_customer',
  'ended',
]);

/** A call's timeline and, for those who may listen, its recording, streamed through the server. */
export function CallDetailView({ call }: { call: Pick<CallRecord, 'id' | 'conversationId' | 'hasRecording'> }) {
  const { t } = useI18n();
  const api = usePhoneApi();
  const session = useSignedIn();
  const load = useCallback(async () => (call.conversationId ? api.callOf(call.conversationId) : undefined), [api, call.conversationId]);
  const { data, error } = useLoad(load);
  return (
    <div className="call-detail">
      {error ? <p role="alert">{describeError(error, t)}</p> : null}
      {data && (
        <ol aria-label={t('phone.timeline')}>
          {data.timeline.map((step, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a timeline only grows at its end; two steps can share a time
            <li key={`${step.at}-${i}`}>
              {when(step.at)} · {STEP_KINDS.has(step.kind) ? t(`phone.step.${step.kind}` as MessageKey) : step.kind}
              {step.kind === 'key' && typeof step.detail.key === 'string' ? ` ${step.detail.key}` : ''}
              {typeof step.detail.cause === 'string' ? ` (${step.detail.cause})` : ''}
            </li>
          ))}
        </ol>
      )}
      {call.hasRecording && hasPermission(session, 'calls.listen') ? (
        // biome-ignore lint/a11y/useMediaCaption: a phone call's recording has no captions
        <audio controls preload="none" src={api.recordingUrl(call.id)} aria-label={t('phone.recording')} />
      ) : null}
    </div>
  );
}
