import { useEffect, useRef, useState } from 'react';
import type { CopilotApi, CopilotSuggestion, RewriteStyle, TranslateTarget } from '../api/assistant.js';
import { useI18n } from '../i18n/i18n.js';
import { copilotProblem } from './useCopilot.js';

/** The reply being written, as the copilot reads and replaces it. */
export interface Draft {
  text: string;
  /** Puts the copilot's text into the reply box, for the agent to edit and send (or not). */
  fill(text: string): void;
}

type Notice = { text: string; error?: boolean; undo?: string; sources?: CopilotSuggestion['articles'] };

const STYLES: RewriteStyle[] = ['shorter', 'friendlier', 'grammar'];
const TARGETS: TranslateTarget[] = ['zh', 'en'];

/**
 * "AI" beside the reply: suggest a reply (knowledge base + conversation), summarize, rewrite the
 * draft, translate the draft. Whatever the model writes goes into the reply box or a panel for the
 * agent; nothing is sent from here. A failure says why (no model, a refused key, a slow model).
 */
export function CopilotMenu({
  api,
  conversationId,
  draft,
  onNote,
}: {
  api: CopilotApi;
  conversationId: string;
  draft: Draft;
  /** Adds text as an internal note, the way the agent would. */
  onNote(text: string): void;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>();
  const [summary, setSummary] = useState<string>();
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!menu.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  const hasDraft = draft.text.trim() !== '';

  const run = async (work: () => Promise<void>) => {
    setOpen(false);
    setBusy(true);
    setNotice(undefined);
    try {
      await work();
    } catch (caught) {
      setNotice({ text: copilotProblem(caught, t), error: true });
    } finally {
      setBusy(false);
    }
  };
  const fill = (text: string, sources?: CopilotSuggestion['articles']) => {
    const before = draft.text;
    draft.fill(text);
    setNotice({ text: t('ai.filled'), undo: before, sources });
  };
  const suggest = () =>
    run(async () => {
      const answer = await api.suggest(conversationId);
      fill(
        answer.text,
        answer.articles.filter((a) => a.cited),
      );
    });
  const summarize = () =>
    run(async () => {
      setSummary((await api.summarize(conversationId)).text);
    });
  const rewrite = (style: RewriteStyle) => run(async () => fill((await api.rewrite(draft.text, style)).text));
  const translate = (to: TranslateTarget) => run(async () => fill((await api.translate(draft.text, to)).text));

  return (
    <>
      <div className="ai-menu" ref={menu}>
        <button
          type="button"
          className="secondary small ai-menu-button"
          aria-haspopup="menu"
          aria-expanded={open}
          aria-label={t('ai.menuLabel')}
          disabled={busy}
          onClick={() => setOpen(!open)}
        >
          <span aria-hidden="true">✨ </span>
          {t('ai.menu')} ▾
        </button>
        {open && (
          <div role="menu" className="ai-list" aria-label={t('ai.menuLabel')}>
            <button type="button" role="menuitem" className="link" onClick={() => void suggest()}>
              {t('ai.suggest')}
            </button>
            <button type="button" role="menuitem" className="link" onClick={() => void summarize()}>
              {t('ai.summarize')}
            </button>
            <fieldset className="ai-group">
              <legend className="ai-group-name">{t('ai.rewrite')}</legend>
              {STYLES.map((style) => (
                <button key={style} type="button" role="menuitem" className="link" disabled={!hasDraft} onClick={() => void rewrite(style)}>
                  {t(`ai.rewrite.${style}`)}
                </button>
              ))}
            </fieldset>
            <fieldset className="ai-group">
              <legend className="ai-group-name">{t('ai.translate')}</legend>
              {TARGETS.map((to) => (
                <button key={to} type="button" role="menuitem" className="link" lang={to} disabled={!hasDraft} onClick={() => void translate(to)}>
                  {t(`ai.translate.${to}`)}
                </button>
              ))}
            </fieldset>
            {!hasDraft && <p className="hint ai-hint">{t('ai.needsDraft')}</p>}
          </div>
        )}
      </div>
      {busy && (
        <small role="status" className="hint ai-notice">
          {t('ai.working')}
        </small>
      )}
      {notice && (
        <small role={notice.error ? 'alert' : 'status'} className={notice.error ? 'error ai-notice' : 'hint ai-notice'}>
          {notice.text}
          {notice.sources && notice.sources.length > 0 && (
            <>
              {' '}
              {t('ai.sources')}{' '}
              {notice.sources.map((source, i) => (
                <span key={source.id}>
                  {i > 0 && ', '}
                  <a href={source.url} target="_blank" rel="noreferrer">
                    {source.title}
                  </a>
                </span>
              ))}
            </>
          )}
          {notice.undo !== undefined && (
            <>
              {' '}
              <button
                type="button"
                className="link"
                onClick={() => {
                  draft.fill(notice.undo ?? '');
                  setNotice(undefined);
                }}
              >
                {t('ai.undo')}
              </button>
            </>
          )}
        </small>
      )}
      {summary !== undefined && (
        <section className="ai-panel" aria-label={t('ai.summary')}>
          <h3>{t('ai.summary')}</h3>
          <p className="pre">{summary}</p>
          <div className="form-actions">
            <button
              type="button"
              className="small"
              onClick={() => {
                onNote(`${t('ai.summaryNote')}\n${summary}`);
                setSummary(undefined);
                setNotice({ text: t('ai.noteAdded') });
              }}
            >
              {t('ai.addNote')}
            </button>
            <button type="button" className="secondary small" onClick={() => setSummary(undefined)}>
              {t('ai.close')}
            </button>
          </div>
        </section>
      )}
    </>
  );
}
