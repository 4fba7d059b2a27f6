import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import { useLoad } from '../admin/useLoad.js';
import { knowledgeApi, type Article, type ArticleInput, type ArticleSummary } from '../api/knowledge.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { Field } from '../components/Field.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';

const empty: ArticleInput = { locale: 'zh', title: '', body: '', category: '', state: 'draft', related: [] };

/**
 * One article: its title, language, category, state, HTML body (with images uploaded here),
 * related articles, and the versions every save kept, each restorable.
 */
export default function ArticleEditor() {
  const { t, language } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => knowledgeApi(client), [client]);
  const session = useSignedIn();
  const canEdit = hasPermission(session, 'knowledge.manage');
  const params = useParams<{ id?: string }>();
  const [, navigate] = useLocation();
  const id = params.id && params.id !== 'new' ? params.id : undefined;
  const [article, setArticle] = useState<Article>();
  const [draft, setDraft] = useState<ArticleInput>({ ...empty, locale: language });
  const [notice, setNotice] = useState<{ text: string; error?: boolean }>();
  const [others, setOthers] = useState<ArticleSummary[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const bodyArea = useRef<HTMLTextAreaElement>(null);
  const imageInput = useRef<HTMLInputElement>(null);
  const versions = useLoad(useCallback(() => (id ? api.versions(id) : Promise.resolve({ versions: [] })), [api, id]));
  const time = (iso: string) => new Date(iso).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB');

  const show = useCallback((a: Article) => {
    setArticle(a);
    setDraft({ locale: a.locale, title: a.title, body: a.body, category: a.category, state: a.state, related: a.related.map((r) => r.id) });
  }, []);
  useEffect(() => {
    if (id) api.get(id).then(show, (caught) => setNotice({ text: describeError(caught, t), error: true }));
    api.list().then(
      (answer) => {
        setOthers(answer.articles);
        setCategories(answer.categories.map((c) => c.name));
      },
      () => setOthers([]),
    );
  }, [api, id, show, t]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(undefined);
    try {
      const saved = article ? await api.update(article.id, { ...draft, version: article.version }) : await api.create(draft);
      show(saved);
      setNotice({ text: t('kb.saved', { title: saved.title, version: saved.version }) });
      if (!article) navigate(`/knowledge/${saved.id}`, { replace: true });
      else versions.reload();
    } catch (caught) {
      setNotice({ text: describeError(caught, t), error: true });
    }
  };
  const restore = async (version: number) => {
    if (!article) return;
    try {
      const restored = await api.restore(article.id, version);
      show(restored);
      versions.reload();
      setNotice({ text: t('kb.restored', { version, now: restored.version }) });
    } catch (caught) {
      setNotice({ text: describeError(caught, t), error: true });
    }
  };
  const insertImage = async (file: File) => {
    try {
      const image = await api.uploadImage(file, file.name);
      const tag = `<img src="${image.src}" alt="${file.name.replace(/["<>&]/g, '')}">`;
      const at = bodyArea.current?.selectionStart ?? draft.body.length;
      setDraft((d) => ({ ...d, body: `${d.body.slice(0, at)}${tag}${d.body.slice(at)}` }));
    } catch (caught) {
      setNotice({ text: describeError(caught, t), error: true });
    }
  };
  const candidates = others.filter((o) => o.id !== article?.id && !draft.related.includes(o.id));
  const titleOf = (relatedId: string) => others.find((o) => o.id === relatedId)?.title ?? article?.related.find((r) => r.id === relatedId)?.title ?? '…';

  return (
    <main className="page knowledge-editor">
      <p>
        <Link href="/knowledge">← {t('kb.title')}</Link>
      </p>
      <h1>{article ? article.title : t('kb.new')}</h1>
      {article?.url && (
        <p>
          <a href={article.url} target="_blank" rel="noreferrer">
            {t('kb.openInHelpCenter')}
          </a>
        </p>
      )}
      <form aria-label={t('kb.article')} onSubmit={(e) => void save(e)}>
        <fieldset disabled={!canEdit} className="kb-fields">
          <Field label={t('kb.articleTitle')} value={draft.title} required maxLength={200} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
          <div className="kb-row">
            <label>
              {t('kb.locale')}
              <select value={draft.locale} onChange={(e) => setDraft({ ...draft, locale: e.target.value as ArticleInput['locale'] })}>
                <option value="zh">{t('kb.locale.zh')}</option>
                <option value="en">{t('kb.locale.en')}</option>
              </select>
            </label>
            <label>
              {t('kb.category')}
              <input list="kb-categories" value={draft.category} maxLength={80} onChange={(e) => setDraft({ ...draft, category: e.target.value })} />
              <datalist id="kb-categories">
                {categories.map((c) => (
                  <option key={c} value={c} />
                ))}
              </datalist>
            </label>
            <label>
              {t('kb.state')}
              <select value={draft.state} onChange={(e) => setDraft({ ...draft, state: e.target.value as ArticleInput['state'] })}>
                <option value="draft">{t('kb.draft')}</option>
                <option value="published">{t('kb.published')}</option>
              </select>
            </label>
          </div>
          <label className="kb-body">
            {t('kb.body')}
            <textarea
              ref={bodyArea}
              rows={14}
              value={draft.body}
              onChange={(e) => setDraft({ ...draft, body: e.target.value })}
              aria-describedby="kb-body-hint"
            />
          </label>
          <small id="kb-body-hint" className="hint">
            {t('kb.bodyHint')}
          </small>
          <div>
            <input
              ref={imageInput}
              type="file"
              accept="image/png,image/jpeg,image/gif,image/webp"
              hidden
              aria-label={t('kb.insertImage')}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void insertImage(file);
                e.target.value = '';
              }}
            />
            <button type="button" className="secondary" onClick={() => imageInput.current?.click()}>
              {t('kb.insertImage')}
            </button>
          </div>
          <fieldset className="kb-related">
            <legend>{t('kb.related')}</legend>
            <ul>
              {draft.related.map((relatedId) => (
                <li key={relatedId}>
                  {titleOf(relatedId)}{' '}
                  <button
                    type="button"
                    className="link"
                    aria-label={t('kb.removeRelated', { title: titleOf(relatedId) })}
                    onClick={() => setDraft({ ...draft, related: draft.related.filter((r) => r !== relatedId) })}
                  >
                    ✕
                  </button>
                </li>
              ))}
            </ul>
            <select
              aria-label={t('kb.addRelated')}
              value=""
              onChange={(e) => e.target.value && setDraft({ ...draft, related: [...draft.related, e.target.value] })}
            >
              <option value="">{t('kb.addRelated')}</option>
              {candidates.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.title}
                </option>
              ))}
            </select>
          </fieldset>
          <button type="submit">{t('kb.save')}</button>
        </fieldset>
      </form>
      {notice && (
        <p role={notice.error ? 'alert' : 'status'} className={notice.error ? 'error' : 'hint'}>
          {notice.text}
        </p>
      )}
      {article && (
        <section aria-label={t('kb.versions')}>
          <h2>{t('kb.versions')}</h2>
          <ol className="kb-versions" reversed>
            {(versions.data?.versions ?? []).map((v) => (
              <li key={v.version}>
                <strong>{t('kb.version', { version: v.version })}</strong> · {v.title} · {t(v.state === 'published' ? 'kb.published' : 'kb.draft')} ·{' '}
                {v.savedByName ?? t('kb.someone')} · {time(v.savedAt)}
                {v.version === article.version ? (
                  <em> · {t('kb.current')}</em>
                ) : (
                  canEdit && (
                    <button type="button" className="secondary small" onClick={() => void restore(v.version)}>
                      {t('kb.restore', { version: v.version })}
                    </button>
                  )
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
    </main>
  );
}
