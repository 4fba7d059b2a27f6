import { useState } from 'react';
import { useLocation } from 'wouter';
import { ApiError } from '../api/client.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import type { CrmApi } from './api.js';

/**
 * A customer's data rights: the archive of everything held about them, and their erasure. Both
 * cover every conversation of the customer, so they are offered only to those who see them all.
 */
export function DataRights({ api, contactId, name }: { api: CrmApi; contactId: string; name: string }) {
  const { t } = useI18n();
  const session = useSignedIn();
  const [, navigate] = useLocation();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const seesAll = hasPermission(session, 'conversations.view.all');
  const mayExport = seesAll && hasPermission(session, 'contacts.export');
  const mayErase = seesAll && hasPermission(session, 'contacts.erase');
  if (!mayExport && !mayErase) return null;
  const erase = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const { erased } = await api.erase(contactId);
      navigate(`/contacts?erased=${erased.messages}`);
    } catch (caught) {
      setProblem(caught instanceof ApiError && caught.reason === 'open_conversations' ? t('crm.eraseOpen') : describeError(caught, t));
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="section data-rights" aria-label={t('crm.dataRights')}>
      <h2>{t('crm.dataRights')}</h2>
      <div className="list-tools">
        {mayExport && (
          <a className="button" href={api.archiveUrl(contactId)} download={`customer-${contactId}.zip`}>
            {t('crm.downloadArchive')}
          </a>
        )}
        {mayErase && (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            {t('crm.erase')}
          </button>
        )}
      </div>
      <p className="hint">{t('crm.dataRightsHint')}</p>
      {problem && <p className="error">{problem}</p>}
      {confirming && (
        <ConfirmDialog
          title={t('crm.eraseTitle', { name })}
          confirmLabel={t('crm.eraseConfirm')}
          busy={busy}
          onConfirm={() => void erase()}
          onCancel={() => setConfirming(false)}
        >
          <p>{t('crm.eraseExplain')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
