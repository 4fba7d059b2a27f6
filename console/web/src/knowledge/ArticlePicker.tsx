import { useEffect, useMemo, useRef, useState } from 'react';
import { knowledgeApi, type ArticleSummary } from '../api/knowledge.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * "Article" beside the reply: finds published articles as the agent types and puts the chosen
 * one's title and help-center link into the reply, for the agent to send or edit.
 */
export function ArticlePicker({ onPick, disabled }: { onPick(text: string): void; disabled?: boolean }) {
  const { t } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => knowledgeApi(client), [client]);
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [found, setFound] = useState<ArticleSummary[]>();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    let current = true;
    const timer = setTimeout(() => {
      api.list({ q: q.trim() || undefined, state: 'published' }).then(
        (answer) => current && setFound(answer.articles.slice(0, 8)),
        () => current && setFound([]),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [open, q, api]);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  return (
    <div className="article-picker" ref={box}>
      <button type="button" className="secondary small" aria-haspopup="dialog" aria-expanded={open} disabled={disabled} onClick={() => setOpen(!open)}>
        {t('kb.insertArticle')} ▾
      </button>
      {open && (
        <div role="dialog" className="article-list" aria-label={t('kb.insertArticle')}>
          <input
            type="search"
            // biome-ignore lint/a11y/noAutofocus: the picker opens to be typed in
            autoFocus
            aria-label={t('kb.findArticle')}
            placeholder={t('kb.findArticle')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          {found === undefined && <p className="hint">{t('app.loading')}</p>}
          {found?.length === 0 && <p className="hint">{t('kb.noMatch')}</p>}
          <ul>
            {found?.map((a) => (
              <li key={a.id}>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    if (a.url) onPick(`${a.title} ${a.url}`);
                    setOpen(false);
                  }}
                >
                  {a.title}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
