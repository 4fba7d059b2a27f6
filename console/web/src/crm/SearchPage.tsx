import { useEffect, useMemo, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { crmApi, type SearchHit } from './api.js';
import { shownContactName } from '../lib/contact-name.js';

/** Results of the search box: customers, messages, notes and tickets the agent may see. */
export default function SearchPage() {
  const { t } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => crmApi(client), [client]);
  const q = new URLSearchParams(useSearch()).get('q')?.trim() ?? '';
  const [hits, setHits] = useState<SearchHit[]>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    if (!q) return;
    let current = true;
    setHits(undefined);
    api.search(q).then(
      (answer) => current && setHits(answer.hits),
      (caught) => current && setProblem(describeError(caught, t)),
    );
    return () => {
      current = false;
    };
  }, [api, q, t]);
  return (
    <main className="page crm search-page">
      <h1>{t('crm.searchResults', { q })}</h1>
      {problem && <p className="error">{problem}</p>}
      {hits && hits.length === 0 && <p className="hint">{t('crm.nothingFound')}</p>}
      <ul className="search-hits" aria-label={t('crm.searchResults', { q })}>
        {(hits ?? []).map((hit) => (
          <li key={`${hit.kind}:${hit.id}`}>
            <small className="hint">{t(`crm.hit.${hit.kind}`)}</small>{' '}
            <Link href={hit.conversationId ? `/conversations/${hit.conversationId}` : `/contacts/${hit.contactId}`}>{shownContactName(hit.title, t)}</Link>
            {hit.snippet && <div className="snippet">{hit.snippet}</div>}
          </li>
        ))}
      </ul>
    </main>
  );
}
