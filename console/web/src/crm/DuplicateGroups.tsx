import { useCallback } from 'react';
import { Link } from 'wouter';
import { useLoad } from '../admin/useLoad.js';
import { useI18n } from '../i18n/i18n.js';
import type { CrmApi } from './api.js';
import { shownContactName } from '../lib/contact-name.js';

/** Suggested merges across the company: contacts sharing an e-mail, phone number or WeChat UnionID. */
export function DuplicateGroups({ api }: { api: CrmApi }) {
  const { t } = useI18n();
  const groups = useLoad(useCallback(() => api.duplicateGroups(), [api]));
  const list = groups.data?.groups ?? [];
  return (
    <section className="section" aria-label={t('crm.duplicates')}>
      <h2>{t('crm.duplicates')}</h2>
      {list.length === 0 ? (
        <p className="hint">{t('crm.noDuplicates')}</p>
      ) : (
        <ul>
          {list.map((g) => (
            <li key={`${g.reason}|${g.key}`}>
              {t(`crm.reason.${g.reason}`)} <code>{g.key}</code>:{' '}
              {g.contacts.map((c, i) => (
                <span key={c.id}>
                  {i > 0 && ', '}
                  <Link href={`/contacts/${c.id}`}>{c.name ? shownContactName(c.name, t) : c.email || c.phone || c.id.slice(0, 8)}</Link>
                </span>
              ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
