import { useCallback, useState } from 'react';
import { useLoad } from '../admin/useLoad.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { CallDetailView } from './CallRecordsPage.js';
import { when } from './format.js';
import { usePhoneApi } from './usePhoneApi.js';

/** All business records the agent may see; the search matches any part of the subject, a field or the notes, in any script (退货 finds 客户要求退货). */
export function BusinessRecordsPage() {
  const { t } = useI18n();
  const api = usePhoneApi();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const load = useCallback(() => api.businessRecords({ q: query || undefined }), [api, query]);
  const { data, error } = useLoad(load);
  const [open, setOpen] = useState<string>();
  return (
    <section aria-label={t('phone.nav.records')}>
      <h1>{t('phone.nav.records')}</h1>
      <form
        aria-label={t('phone.search')}
        onSubmit={(event) => {
          event.preventDefault();
          setQuery(q.trim());
        }}
      >
        <input
          aria-label={t('phone.searchRecords')}
          placeholder={t('phone.searchRecords')}
          value={q}
          onChange={(event) => setQ(event.target.value)}
          maxLength={100}
        />
        <button type="submit">{t('phone.search')}</button>
      </form>
      {error ? <p role="alert">{describeError(error, t)}</p> : null}
      {!data ? (
        <p>{t('app.loading')}</p>
      ) : data.records.length === 0 ? (
        <p className="muted">{t('phone.none')}</p>
      ) : (
        <ul className="records" aria-label={t('phone.nav.records')}>
          {data.records.map((r) => (
            <li key={r.id}>
              <button type="button" className="link" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? undefined : r.id)}>
                {r.subject}
              </button>{' '}
              <span className="muted">{when(r.createdAt)}</span>
              {Object.keys(r.fields).length > 0 && (
                <dl className="facts">
                  {Object.entries(r.fields).map(([key, value]) => (
                    <div key={key}>
                      <dt>{key}</dt>
                      <dd>{String(value)}</dd>
                    </div>
                  ))}
                </dl>
              )}
              {open === r.id && (
                <>
                  {r.body && <p className="pre">{r.body}</p>}
                  {r.callId && <CallDetailView call={{ id: r.callId, conversationId: r.conversationId, hasRecording: r.hasRecording }} />}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
