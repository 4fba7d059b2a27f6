import { useCallback, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { useLoad } from '../admin/useLoad.js';
import { knowledgeApi, type ArticleLocale, type ArticleState } from '../api/knowledge.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';

/** The knowledge base's articles: search (Chinese or English), narrowed by category, state and language. */
export default function KnowledgePage() {
  const { t, language } = useI18n();
  const formatDateTime = (iso: string) => new Date(iso).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB');
  const { client } = useApi();
  const api = useMemo(() => knowledgeApi(client), [client]);
  const session = useSignedIn();
  const [q, setQ] = useState('');
  const [filter, setFilter] = useState<{ q?: string; state?: ArticleState; locale?: ArticleLocale; category?: string }>({});
  const list = useLoad(useCallback(() => api.list(filter), [api, filter]));
  const categories = list.data?.categories ?? [];
  return (
    <main className="page knowledge">
      <h1>{t('kb.title')}</h1>
      <div className="list-tools">
        <search>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setFilter((f) => ({ ...f, q: q.trim() || undefined }));
            }}
          >
            <input type="search" aria-label={t('kb.search')} placeholder={t('kb.search')} value={q} onChange={(e) => setQ(e.target.value)} />
            <button type="submit">{t('crm.find')}</button>
          </form>
        </search>
        <select
          aria-label={t('kb.category')}
          value={filter.category ?? ''}
          onChange={(e) => setFilter((f) => ({ ...f, category: e.target.value || undefined }))}
        >
          <option value="">{t('kb.allCategories')}</option>
          {categories.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} ({c.articles})
            </option>
          ))}
        </select>
        <select
          aria-label={t('kb.state')}
          value={filter.state ?? ''}
          onChange={(e) => setFilter((f) => ({ ...f, state: (e.target.value || undefined) as ArticleState | undefined }))}
        >
          <option value="">{t('kb.allStates')}</option>
          <option value="published">{t('kb.published')}</option>
          <option value="draft">{t('kb.draft')}</option>
        </select>
        <select
          aria-label={t('kb.locale')}
          value={filter.locale ?? ''}
          onChange={(e) => setFilter((f) => ({ ...f, locale: (e.target.value || undefined) as ArticleLocale | undefined }))}
        >
          <option value="">{t('kb.allLocales')}</option>
          <option value="zh">{t('kb.locale.zh')}</option>
          <option value="en">{t('kb.locale.en')}</option>
        </select>
        {hasPermission(session, 'knowledge.manage') && (
          <Link className="button" href="/knowledge/new">
            {t('kb.new')}
          </Link>
        )}
        {list.data && (
          <a href={list.data.helpCenter} target="_blank" rel="noreferrer">
            {t('kb.helpCenter')}
          </a>
        )}
      </div>
      {list.error ? <p className="error">{describeError(list.error, t)}</p> : null}
      {list.data?.articles.length === 0 && <p className="hint">{filter.q ? t('kb.noMatch') : t('kb.empty')}</p>}
      <table className="admin-table" aria-label={t('kb.articles')}>
        <thead>
          <tr>
            <th>{t('kb.articleTitle')}</th>
            <th>{t('kb.category')}</th>
            <th>{t('kb.locale')}</th>
            <th>{t('kb.state')}</th>
            <th>{t('kb.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.articles ?? []).map((a) => (
            <tr key={a.id}>
              <td>
                <Link href={`/knowledge/${a.id}`}>{a.title}</Link>
                {a.snippet && <small className="hint snippet">{a.snippet}</small>}
              </td>
              <td>{a.category}</td>
              <td>{t(a.locale === 'zh' ? 'kb.locale.zh' : 'kb.locale.en')}</td>
              <td>{t(a.state === 'published' ? 'kb.published' : 'kb.draft')}</td>
              <td>{formatDateTime(a.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
