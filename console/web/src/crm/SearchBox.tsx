import { useState } from 'react';
import { useLocation } from 'wouter';
import { useI18n } from '../i18n/i18n.js';

/** The search box in the top bar: opens the results page. */
export function SearchBox() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const [q, setQ] = useState('');
  return (
    <search>
      <form
        className="global-search"
        onSubmit={(e) => {
          e.preventDefault();
          if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
        }}
      >
        <input type="search" aria-label={t('crm.search')} placeholder={t('crm.search')} value={q} onChange={(e) => setQ(e.target.value)} />
      </form>
    </search>
  );
}
