import { useEffect, useRef, useState } from 'react';
import type { MessageView } from '../api/domain.js';
import { useI18n } from '../i18n/i18n.js';
import type { PendingMessage } from './messages.js';
import { MessageParts, type AttachmentUrl } from './MessageParts.js';
import { satisfactionSentence, type SatisfactionAnswer } from './SatisfactionBadge.js';
import { formatTime } from './time.js';
import { copilotProblem } from './useCopilot.js';

interface Props {
  messages: MessageView[];
  pending: PendingMessage[];
  contactName: string;
  agentName: (id: string | null) => string;
  /** The customer's answer to the survey, shown under the survey. */
  satisfaction?: SatisfactionAnswer | undefined;
  attachmentUrl: AttachmentUrl;
  onRetry(clientId: string): void;
  /** Sends a stored reply the channel refused again. */
  onResend?(messageId: string): void;
  onLoadOlder?: () => void;
  /** Puts a customer's text into the agent's language (the AI copilot); without it, no "Translate". */
  translate?: (text: string) => Promise<string>;
}

/** The conversation's messages, oldest first; internal notes set apart; replies on their way below. */
export function MessageList({ messages, pending, contactName, agentName, satisfaction, attachmentUrl, onRetry, onResend, onLoadOlder, translate }: Props) {
  const { t, language } = useI18n();
  const list = useRef<HTMLDivElement>(null);
  const end = useRef<HTMLDivElement>(null);
  /** Whether the agent is at the newest message (scrolling up to read earlier ones clears it). */
  const atEnd = useRef(true);
  const count = messages.length + pending.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when the number of messages changes
  useEffect(() => {
    atEnd.current = true;
    end.current?.scrollIntoView({ block: 'end' });
  }, [count]);
  useEffect(() => {
    const element = list.current;
    if (!element) return;
    const onScroll = () => {
      atEnd.current = element.scrollHeight - element.scrollTop - element.clientHeight < 48;
    };
    // Images and media get their height only once loaded, after the list was scrolled to its end:
    // keep the newest message in view unless the agent scrolled away.
    const onLoaded = () => {
      if (atEnd.current) element.scrollTop = element.scrollHeight;
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    // Capture: load events do not bubble.
    element.addEventListener('load', onLoaded, true);
    element.addEventListener('loadedmetadata', onLoaded, true);
    return () => {
      element.removeEventListener('scroll', onScroll);
      element.removeEventListener('load', onLoaded, true);
      element.removeEventListener('loadedmetadata', onLoaded, true);
    };
  }, []);

  return (
    <div ref={list} className="message-list" role="log" aria-label={t('conversation.messages')} aria-live="polite">
      {onLoadOlder && (
        <button type="button" className="link load-older" onClick={onLoadOlder}>
          {t('conversation.older')}
        </button>
      )}
      {messages.map((message) => {
        const who = message.direction === 'in' ? contactName : message.senderType === 'agent' ? agentName(message.senderId) : t(`sender.${message.senderType}`);
        const kind = message.private ? 'note' : message.direction === 'in' ? 'incoming' : 'outgoing';
        const bot = message.senderType === 'bot';
        return (
          <article
            key={message.id}
            className={`message ${kind}${bot ? ' bot' : ''}`}
            data-message-id={message.id}
            aria-label={message.private ? t('conversation.noteBy', { name: who }) : who}
          >
            <header>
              <span className="message-author">{who}</span>
              {bot && <span className="bot-tag">{t('bot.label')}</span>}
              {message.private && <span className="note-tag">{t('conversation.note')}</span>}
              <time dateTime={message.createdAt}>{formatTime(message.createdAt, language)}</time>
              {message.direction === 'out' && !message.private && <span className={`delivery ${message.status}`}>{t(`delivery.${message.status}`)}</span>}
            </header>
            {message.about === 'survey' ? (
              // The survey in words, not its link and event: what was asked, and what the customer said.
              <>
                <p className="part-event">{t('survey.sent')}</p>
                {satisfaction && <p className="part-event survey-answer">{satisfactionSentence(satisfaction, t)}</p>}
              </>
            ) : (
              <MessageParts parts={message.parts} attachmentUrl={attachmentUrl} />
            )}
            {translate && message.direction === 'in' && <Translation text={textOf(message)} translate={translate} />}
            {message.direction === 'out' && !message.private && message.status === 'failed' && (
              <p className="error" role="alert">
                {t('conversation.failedBecause', { error: message.error ?? t('delivery.failed') })}
                {message.errorCode ? <small> ({message.errorCode})</small> : null}{' '}
                {onResend && (
                  <button type="button" className="link" onClick={() => onResend(message.id)}>
                    {t('conversation.retry')}
                  </button>
                )}
              </p>
            )}
          </article>
        );
      })}
      {pending.map((message) => (
        <article key={message.clientId} className={`message ${message.private ? 'note' : 'outgoing'} pending`} aria-busy={message.state === 'sending'}>
          <header>
            <span className="message-author">{t('conversation.you')}</span>
            {message.private && <span className="note-tag">{t('conversation.note')}</span>}
            <span className={`delivery ${message.state}`}>{message.state === 'sending' ? t('delivery.sending') : t('delivery.failed')}</span>
          </header>
          <MessageParts parts={message.parts} attachmentUrl={attachmentUrl} />
          {message.state === 'failed' && (
            <p className="error" role="alert">
              {message.error}{' '}
              <button type="button" className="link" onClick={() => onRetry(message.clientId)}>
                {t('conversation.retry')}
              </button>
            </p>
          )}
        </article>
      ))}
      <div ref={end} />
    </div>
  );
}

/** A message's words, without markup, for translating. */
function textOf(message: MessageView): string {
  return message.parts
    .flatMap((part) => (part.type === 'text' ? [part.format === 'html' ? part.text.replace(/<[^>]*>/g, ' ') : part.text] : []))
    .join('\n')
    .trim();
}

/** "Translate" under a customer's message: the translation appears under it, nothing is changed or sent. */
function Translation({ text, translate }: { text: string; translate(text: string): Promise<string> }) {
  const { t } = useI18n();
  const [state, setState] = useState<{ busy?: boolean; text?: string; error?: string }>({});
  if (!text) return null;
  if (state.text !== undefined)
    return (
      <p className="translation">
        <span className="hint">{t('ai.translation')}</span> {state.text}
      </p>
    );
  return (
    <p className="translation">
      <button
        type="button"
        className="link"
        disabled={state.busy}
        onClick={async () => {
          setState({ busy: true });
          try {
            setState({ text: await translate(text) });
          } catch (caught) {
            setState({ error: copilotProblem(caught, t) });
          }
        }}
      >
        {state.busy ? t('ai.working') : t('ai.translateMessage')}
      </button>
      {state.error && (
        <small role="alert" className="error">
          {' '}
          {state.error}
        </small>
      )}
    </p>
  );
}
