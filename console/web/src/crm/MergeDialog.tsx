import { useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import type { Contact, CrmApi } from './api.js';
import { shownContactName } from '../lib/contact-name.js';

/** Find the other record of the same customer and merge it into this one (it can be undone afterwards). */
export function MergeDialog({ api, target, onClose, onMerged }: { api: CrmApi; target: Contact; onClose: () => void; onMerged: () => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Contact[]>();
  const [picked, setPicked] = useState<Contact>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <div className="merge-dialog section" role="dialog" aria-modal="true" aria-label={t('crm.mergeTitle')}>
      <h2>{t('crm.mergeTitle')}</h2>
      <search>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              const answer = await api.list(q.trim() || undefined);
              setFound(answer.contacts.filter((c) => c.id !== target.id));
            } catch (caught) {
              setProblem(describeError(caught, t));
            }
          }}
        >
          <input type="search" aria-label={t('crm.findOther')} placeholder={t('crm.findOther')} value={q} onChange={(e) => setQ(e.target.value)} />
          <button type="submit">{t('crm.find')}</button>
        </form>
      </search>
      {found && found.length === 0 && <p className="hint">{t('crm.nothingFound')}</p>}
      <ul>
        {(found ?? []).map((c) => (
          <li key={c.id}>
            <label>
              <input type="radio" name="source" checked={picked?.id === c.id} onChange={() => setPicked(c)} /> {shownContactName(c.name, t)}{' '}
              {c.email && <small className="hint">{c.email}</small>} {c.phone && <small className="hint">{c.phone}</small>}
            </label>
          </li>
        ))}
      </ul>
      {picked && <p>{t('crm.mergeConfirm', { source: picked.name || picked.email || '', target: target.name || target.email || '' })}</p>}
      {problem && <p className="error">{problem}</p>}
      <div className="form-buttons">
        <button
          type="button"
          disabled={!picked || busy}
          onClick={async () => {
            if (!picked) return;
            setBusy(true);
            try {
              await api.merge(target.id, picked.id);
              onMerged();
            } catch (caught) {
              setProblem(describeError(caught, t));
            } finally {
              setBusy(false);
            }
          }}
        >
          {t('crm.merge')}
        </button>
        <button type="button" className="link" onClick={onClose}>
          {t('crm.cancel')}
        </button>
      </div>
    </div>
  );
}
