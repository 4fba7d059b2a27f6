import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTypingSignal } from './useTypingSignal.js';
import type { CannedResponse } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { insertCanned, matchCanned, slashQuery } from './canned.js';

/**
 * Where the agent writes: Enter sends, Shift+Enter breaks the line, `/` offers canned
 * responses, and the note switch turns the text into an internal note only agents see.
 */
export function ReplyBox({
  onSend,
  onTyping,
  disabled,
}: {
  onSend(text: string, isPrivate: boolean): void;
  /** The agent started (true) or stopped (false) typing a reply the customer would see. */
  onTyping?(on: boolean): void;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const { contacts } = useApi();
  const [text, setText] = useState('');
  const [note, setNote] = useState(false);
  const [caret, setCaret] = useState(0);
  const [canned, setCanned] = useState<CannedResponse[] | undefined>();
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | undefined>();
  const area = useRef<HTMLTextAreaElement>(null);
  const typing = useTypingSignal(onTyping);
  const listId = useId();

  const slash = slashQuery(text, caret);
  const open = slash !== undefined && dismissedAt !== slash.start;
  useEffect(() => {
    if (open && canned === undefined) {
      contacts.cannedResponses().then(
        (answer) => setCanned(answer.cannedResponses),
        () => setCanned([]),
      );
    }
  }, [open, canned, contacts]);
  const matches = open && canned ? matchCanned(canned, slash.query) : [];
  const showList = open && matches.length > 0;

  const choose = (response: CannedResponse) => {
    if (!slash) return;
    const next = insertCanned(text, slash.start, caret, response.body);
    setText(next.text);
    setCaret(next.caret);
    requestAnimationFrame(() => area.current?.setSelectionRange(next.caret, next.caret));
  };
  const send = () => {
    if (!text.trim() || disabled) return;
    onSend(text, note);
    typing(false);
    setText('');
    setCaret(0);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (showList) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        setActive((i) => (i + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        const chosen = matches[Math.min(active, matches.length - 1)];
        if (chosen) choose(chosen);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setDismissedAt(slash?.start);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form
      className={note ? 'reply-box note-mode' : 'reply-box'}
      aria-label={t('reply.label')}
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      {showList && (
        <div className="canned-list" id={listId} role="listbox" aria-label={t('reply.canned')}>
          {matches.map((response, index) => (
            <div
              key={response.id}
              role="option"
              tabIndex={-1}
              aria-selected={index === active}
              onMouseDown={(event) => {
                event.preventDefault();
                choose(response);
              }}
            >
              <strong>/{response.shortcut}</strong> {response.title}
            </div>
          ))}
        </div>
      )}
      <textarea
        ref={area}
        aria-label={note ? t('reply.notePlaceholder') : t('reply.placeholder')}
        placeholder={note ? t('reply.notePlaceholder') : t('reply.placeholder')}
        value={text}
        rows={3}
        role="combobox"
        aria-expanded={showList}
        aria-controls={showList ? listId : undefined}
        aria-autocomplete="list"
        onChange={(event) => {
          setText(event.target.value);
          setCaret(event.target.selectionStart);
          // Notes are for colleagues: the customer is not told about them.
          if (!note) typing(event.target.value.trim() !== '');
          setActive(0);
        }}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
      />
      <div className="reply-actions">
        <label className="note-switch">
          <input type="checkbox" checked={note} onChange={(event) => setNote(event.target.checked)} />
          {t('reply.noteMode')}
        </label>
        <button type="submit" disabled={disabled || !text.trim()}>
          {note ? t('reply.addNote') : t('reply.send')}
        </button>
      </div>
    </form>
  );
}
