import { useEffect, useRef, useState } from 'react';
import type { ConversationSnapshot } from '../api/domain.js';
import type { Macro } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';

/** "Macros" beside the reply box: one click runs a macro's actions on this conversation; its messages arrive live. */
export function MacroMenu({ conversationId, onChanged }: { conversationId: string; onChanged(snapshot: ConversationSnapshot): void }) {
  const { t } = useI18n();
  const { conversations } = useApi();
  const [macros, setMacros] = useState<Macro[]>();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ text: string; error?: boolean }>();
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open && macros === undefined)
      conversations.macros().then(
        (answer) => setMacros(answer.macros),
        () => setMacros([]),
      );
  }, [open, macros, conversations]);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!menu.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  const run = async (macro: Macro) => {
    setOpen(false);
    setBusy(true);
    setNotice(undefined);
    try {
      const answer = await conversations.runMacro(conversationId, macro.id);
      onChanged(answer.conversation);
      setNotice({ text: t('macros.ran', { name: macro.name }) });
    } catch (caught) {
      setNotice({ text: describeError(caught, t), error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="macro-menu" ref={menu}>
      <button type="button" className="secondary small" aria-haspopup="menu" aria-expanded={open} disabled={busy} onClick={() => setOpen(!open)}>
        {t('macros.menu')} ▾
      </button>
      {open && (
        <div role="menu" className="macro-list" aria-label={t('macros.menu')}>
          {macros === undefined && <p className="hint">{t('macros.loading')}</p>}
          {macros?.length === 0 && <p className="hint">{t('macros.none')}</p>}
          {macros?.map((macro) => (
            <button key={macro.id} type="button" role="menuitem" className="link" onClick={() => void run(macro)}>
              {macro.name}
            </button>
          ))}
        </div>
      )}
      {notice && (
        <small role={notice.error ? 'alert' : 'status'} className={notice.error ? 'error' : 'hint'}>
          {notice.text}
        </small>
      )}
    </div>
  );
}
