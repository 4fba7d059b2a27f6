import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTypingSignal } from './useTypingSignal.js';
import type { CannedResponse, StoredAttachment } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { fillCannedVariables, type CannedValues } from '../../../../core/domain/canned-variables.js';
import { insertCanned, matchCanned, slashQuery } from './canned.js';
import { formatSize } from './content.js';
import { VoiceRecorder } from './VoiceRecorder.js';
import { ArticlePicker } from '../knowledge/ArticlePicker.js';
import type { Draft } from './CopilotMenu.js';
import { formatDuration } from '../../../../core/domain/voice-recording.js';

/** A file picked for the reply: uploading, ready (stored), or refused with the server's reason. */
interface PickedFile {
  key: string;
  name: string;
  state: 'uploading' | 'ready' | 'failed';
  stored?: StoredAttachment;
  error?: string;
}

/**
 * Where the agent writes: Enter sends, Shift+Enter breaks the line, `/` offers canned
 * responses, the note switch turns the text into an internal note only agents see, and files
 * are uploaded as soon as they are picked (or pasted) and go with the next reply.
 */
export function ReplyBox({
  onSend,
  onUpload,
  onUploadVoice,
  onTyping,
  cannedValues,
  loadCannedValues,
  disabled,
  hint,
  onSchedule,
  tools,
  assist,
}: {
  onSend(text: string, isPrivate: boolean, files: StoredAttachment[]): void;
  /** Stores a file for the reply; without it the box offers no attachments. */
  onUpload?(file: File): Promise<StoredAttachment>;
  /** Stores a voice message recorded here (its length in seconds); without it the box records none. */
  onUploadVoice?(recording: Blob, name: string, seconds: number): Promise<StoredAttachment>;
  /** The agent started (true) or stopped (false) typing a reply the customer would see. */
  onTyping?(on: boolean): void;
  /** What a canned response's variables stand for now (the contact's name as currently shown, the agent). */
  cannedValues?: CannedValues;
  /** Further values read once when the agent first opens the canned list (the contact's e-mail and phone). */
  loadCannedValues?(): Promise<CannedValues>;
  disabled?: boolean;
  /** A line above the box about what sending a reply will do (take a waiting conversation). */
  hint?: string;
  /** Keeps the text to send at a later time; without it the box offers no "Send later". */
  onSchedule?(text: string, sendAt: Date): Promise<void>;
  /** More buttons beside the reply's (the macros menu). */
  tools?: ReactNode;
  /** Helpers that read the draft and may replace it (the AI copilot), first in the row. */
  assist?: (draft: Draft) => ReactNode;
}) {
  const { t } = useI18n();
  const { contacts } = useApi();
  const [text, setText] = useState('');
  const [note, setNote] = useState(false);
  const [caret, setCaret] = useState(0);
  const [canned, setCanned] = useState<CannedResponse[] | undefined>();
  const [loadedValues, setLoadedValues] = useState<CannedValues | undefined>();
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | undefined>();
  const area = useRef<HTMLTextAreaElement>(null);
  const typing = useTypingSignal(onTyping);
  const listId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [later, setLater] = useState<string>();
  const [laterError, setLaterError] = useState<string>();
  const ready = files.flatMap((f) => (f.state === 'ready' && f.stored ? [f.stored] : []));
  const uploading = files.some((f) => f.state === 'uploading');
  const track = (name: string, upload: Promise<StoredAttachment>) => {
    const key = `${Date.now()}-${Math.random()}`;
    setFiles((current) => [...current, { key, name, state: 'uploading' }]);
    upload.then(
      (stored) => setFiles((current) => current.map((f) => (f.key === key ? { ...f, state: 'ready', stored } : f))),
      (caught: unknown) => setFiles((current) => current.map((f) => (f.key === key ? { ...f, state: 'failed', error: describeError(caught, t) } : f))),
    );
  };
  const pick = (picked: File[]) => {
    if (!onUpload) return;
    for (const file of picked) track(file.name, onUpload(file));
  };

  const slash = slashQuery(text, caret);
  const open = slash !== undefined && dismissedAt !== slash.start;
  useEffect(() => {
    if (open && canned === undefined) {
      contacts.cannedResponses().then(
        (answer) => setCanned(answer.cannedResponses),
        () => setCanned([]),
      );
      loadCannedValues?.().then(setLoadedValues, () => setLoadedValues({}));
    }
  }, [open, canned, contacts, loadCannedValues]);
  const matches = open && canned ? matchCanned(canned, slash.query) : [];
  const showList = open && matches.length > 0;

  const choose = (response: CannedResponse) => {
    if (!slash) return;
    const next = insertCanned(text, slash.start, caret, fillCannedVariables(response.body, { ...loadedValues, ...definedOnly(cannedValues) }));
    setText(next.text);
    setCaret(next.caret);
    requestAnimationFrame(() => area.current?.setSelectionRange(next.caret, next.caret));
  };
  /** Puts text (an article's link) where the caret is, with a space on each side where needed. */
  const insertText = (piece: string) => {
    const at = Math.min(caret, text.length);
    const before = text.slice(0, at);
    const after = text.slice(at);
    const inserted = `${before && !/\s$/.test(before) ? ' ' : ''}${piece}${after && !/^\s/.test(after) ? ' ' : ''}`;
    const next = before + inserted + after;
    setText(next);
    const end = at + inserted.length;
    setCaret(end);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(end, end);
    });
  };
  /** Replaces the whole draft (the copilot's suggestion, or its undo), caret at the end. */
  const fill = (next: string) => {
    setText(next);
    setCaret(next.length);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(next.length, next.length);
    });
  };
  const canSend = !disabled && !uploading && (text.trim() !== '' || ready.length > 0);
  const send = () => {
    if (!canSend) return;
    onSend(text, note, ready);
    typing(false);
    setText('');
    setCaret(0);
    setFiles([]);
  };
  const schedule = async () => {
    if (!onSchedule || later === undefined || text.trim() === '') return;
    const at = new Date(later);
    if (Number.isNaN(at.getTime()) || at.getTime() <= Date.now()) {
      setLaterError(t('schedule.future'));
      return;
    }
    try {
      await onSchedule(text, at);
      setText('');
      setCaret(0);
      setLater(undefined);
      setLaterError(undefined);
      typing(false);
    } catch (caught) {
      setLaterError(describeError(caught, t));
    }
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
      {hint && !note && <p className="hint reply-hint">{hint}</p>}
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
        onPaste={(event) => {
          const pasted = [...event.clipboardData.files];
          if (pasted.length && onUpload) {
            event.preventDefault();
            pick(pasted);
          }
        }}
      />
      {files.length > 0 && (
        <ul className="picked-files" aria-label={t('reply.files')}>
          {files.map((file) => (
            <li key={file.key} className={file.state} aria-busy={file.state === 'uploading'}>
              <span aria-hidden="true">{file.stored?.duration !== undefined ? '🎤 ' : '📎 '}</span>
              {file.stored?.duration !== undefined ? t('voice.file', { duration: formatDuration(file.stored.duration) }) : file.name}
              {file.stored && file.stored.duration === undefined && <small> ({formatSize(file.stored.size)})</small>}
              {file.state === 'uploading' && <small> {t('reply.uploading')}</small>}
              {file.error && (
                <small role="alert" className="error">
                  {' '}
                  {file.error}
                </small>
              )}
              <button
                type="button"
                className="link"
                aria-label={t('reply.removeFile', { name: file.name })}
                onClick={() => setFiles((current) => current.filter((f) => f.key !== file.key))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {later !== undefined && (
        <div className="send-later">
          <label>
            {t('schedule.at')} <input type="datetime-local" value={later} min={localInput(new Date())} onChange={(event) => setLater(event.target.value)} />
          </label>
          <button type="button" disabled={text.trim() === '' || !later} onClick={() => void schedule()}>
            {t('schedule.confirm')}
          </button>
          <button type="button" className="link" onClick={() => setLater(undefined)}>
            {t('schedule.close')}
          </button>
          {laterError && (
            <small role="alert" className="error">
              {laterError}
            </small>
          )}
        </div>
      )}
      <div className="reply-actions">
        {assist?.({ text, fill })}
        <ArticlePicker disabled={disabled} onPick={insertText} />
        {tools}
        {onUpload && (
          <>
            <input
              ref={fileInput}
              type="file"
              multiple
              hidden
              aria-label={t('reply.attach')}
              onChange={(event) => {
                pick([...(event.target.files ?? [])]);
                event.target.value = '';
              }}
            />
            <button type="button" className="attach secondary" onClick={() => fileInput.current?.click()}>
              <span aria-hidden="true">📎 </span>
              {t('reply.attach')}
            </button>
          </>
        )}
        {onUploadVoice && !note && (
          <VoiceRecorder
            disabled={disabled}
            onRecorded={(recording, name, seconds) => track(t('voice.file', { duration: formatDuration(seconds) }), onUploadVoice(recording, name, seconds))}
          />
        )}
        <label className="note-switch">
          <input type="checkbox" checked={note} onChange={(event) => setNote(event.target.checked)} />
          {t('reply.noteMode')}
        </label>
        {onSchedule && !note && later === undefined && (
          <button type="button" className="secondary" disabled={disabled} onClick={() => setLater(localInput(new Date(Date.now() + 3600_000)))}>
            {t('schedule.sendLater')}
          </button>
        )}
        <button type="submit" disabled={!canSend}>
          {note ? t('reply.addNote') : t('reply.send')}
        </button>
      </div>
    </form>
  );
}

/** The values that are set, so a name not known yet does not hide one loaded later. */
function definedOnly(values: CannedValues | undefined): CannedValues {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([, value]) => value)) as CannedValues;
}

/** A date as a datetime-local input's value, in the agent's time zone. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
