import type { ContentPart } from '../api/domain.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { safeHref } from '../lib/links.js';
import { formatSize, htmlToText, linkify } from './content.js';
import { emailDocument, emailView, type EmailView } from './email.js';
import { VoiceMessage } from './VoiceMessage.js';

/** Events of a conversation that read as a sentence of their own in the timeline (a call's steps). */
const EVENT_LABELS: Partial<Record<string, MessageKey>> = {
  'call.started': 'part.event.callStarted',
  'call.queued': 'part.event.callQueued',
  'call.answered': 'part.event.callAnswered',
  'call.transferred': 'part.event.callTransferred',
  'call.ended': 'part.event.callEnded',
  'call.left_queue': 'part.event.callLeftQueue',
  'call.held': 'part.event.callHeld',
  'call.resumed': 'part.event.callResumed',
  'call.rated': 'part.event.callRated',
  'handoff.requested': 'part.event.handoffRequested',
  offline_message: 'part.event.offlineMessage',
  'scheduled.not_sent': 'part.event.scheduledNotSent',
};

/** Where the browser fetches a stored attachment. */
export type AttachmentUrl = (attachmentId: string) => string;

/**
 * A message's content. Customer text is only ever React text nodes: HTML (e-mail) is reduced to
 * its text first, links get a checked href and open in a new tab without a referrer.
 */
export function MessageParts({ parts, attachmentUrl }: { parts: ContentPart[]; attachmentUrl: AttachmentUrl }) {
  const email = emailView(parts, attachmentUrl);
  if (email) return <EmailParts email={email} parts={parts} attachmentUrl={attachmentUrl} />;
  return (
    <>
      {withoutCitedLines(parts).map((part, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: parts have no id and never reorder
        <Part key={index} part={part} attachmentUrl={attachmentUrl} />
      ))}
    </>
  );
}

function Part({ part, attachmentUrl }: { part: ContentPart; attachmentUrl: AttachmentUrl }) {
  const { t } = useI18n();
  const base = window.location.href;
  switch (part.type) {
    case 'text':
      return <Text text={part.format === 'html' ? htmlToText(part.text) : part.text} />;
    case 'image':
    case 'audio':
    case 'video':
    case 'file': {
      const label = part.name || part.caption || t(`part.${part.type}`);
      // Only a copy on this server is ever loaded; an address the customer gave is a link.
      if (!part.attachmentId) {
        const href = part.url ? remoteHref(part.url) : undefined;
        if (!href) return <p className="part-missing">{t('part.unavailable', { name: label })}</p>;
        return <RemoteMedia part={part} href={href} label={label} />;
      }
      const source = attachmentUrl(part.attachmentId);
      if (part.type === 'image') {
        return (
          <figure className="part-image">
            <a href={source} target="_blank" rel="noopener noreferrer nofollow">
              <img src={source} alt={part.caption || part.name || t('part.image')} loading="lazy" referrerPolicy="no-referrer" />
            </a>
            {part.caption && <figcaption>{part.caption}</figcaption>}
          </figure>
        );
      }
      if (part.type === 'audio') return <VoiceMessage src={source} duration={part.duration} label={label} />;
      // Customers' videos come without captions; the label names them.
      // biome-ignore lint/a11y/useMediaCaption: no captions exist for customer media
      if (part.type === 'video') return <video className="part-video" controls preload="none" src={source} aria-label={label} />;
      return (
        <a className="part-file" href={source} target="_blank" rel="noopener noreferrer nofollow" download={part.name || true}>
          <span aria-hidden="true">📎 </span>
          {label}
          {part.size !== undefined && <small> ({formatSize(part.size)})</small>}
        </a>
      );
    }
    case 'location': {
      const label = part.label || `${part.latitude.toFixed(5)}, ${part.longitude.toFixed(5)}`;
      const href = `https://www.openstreetmap.org/?mlat=${part.latitude}&mlon=${part.longitude}#map=16/${part.latitude}/${part.longitude}`;
      return (
        <p className="part-location">
          <span aria-hidden="true">📍 </span>
          <a href={href} target="_blank" rel="noopener noreferrer nofollow">
            {label}
          </a>
        </p>
      );
    }
    case 'link': {
      const href = safeHref(part.url, base);
      return (
        <p className="part-link">
          {href ? (
            <a href={href} target="_blank" rel="noopener noreferrer nofollow">
              {part.title || part.url}
            </a>
          ) : (
            part.title || part.url
          )}
          {part.description && <small className="hint"> {part.description}</small>}
        </p>
      );
    }
    case 'event': {
      if (part.name === 'bot.citations') return <Citations data={part.data} />;
      const label = EVENT_LABELS[part.name];
      const rating = part.name === 'call.rated' ? Number(part.data?.rating) : undefined;
      return <p className="part-event">{label ? t(label, { rating: String(rating ?? '') }) : t('part.event', { name: part.name })}</p>;
    }
  }
}

/**
 * A bot's answer lists the articles it cites as "title: url" lines in its text, for channels
 * that show no citations; where its `bot.citations` part is shown as links, those lines go.
 */
function withoutCitedLines(parts: ContentPart[]): ContentPart[] {
  const citations = parts.find((p) => p.type === 'event' && p.name === 'bot.citations');
  const articles =
    citations?.type === 'event' && Array.isArray(citations.data?.articles) ? (citations.data.articles as { title?: unknown; url?: unknown }[]) : [];
  const lines = new Set(
    articles.flatMap((a) => (typeof a.title === 'string' && typeof a.url === 'string' && remoteHref(a.url) ? [`${a.title}: ${a.url}`] : [])),
  );
  if (lines.size === 0) return parts;
  return parts.map((p) =>
    p.type === 'text' && p.format !== 'html'
      ? {
          ...p,
          text: p.text
            .split('\n')
            .filter((line) => !lines.has(line.trim()))
            .join('\n')
            .trim(),
        }
      : p,
  );
}

/** The articles an answer of the bot's cites (its `bot.citations` part), as links to the help center. */
function Citations({ data }: { data?: Record<string, unknown> }) {
  const { t } = useI18n();
  const articles = Array.isArray(data?.articles) ? (data.articles as { id?: unknown; title?: unknown; url?: unknown }[]) : [];
  const links = articles.flatMap((a) => (typeof a.title === 'string' && typeof a.url === 'string' ? [{ title: a.title, href: remoteHref(a.url) }] : []));
  if (links.length === 0) return null;
  return (
    <div className="part-citations">
      <small className="hint">{t('bot.citations')}</small>
      <ul>
        {links.map((link) => (
          <li key={`${link.title}|${link.href}`}>
            {link.href ? (
              <a href={link.href} target="_blank" rel="noopener noreferrer nofollow">
                {link.title}
              </a>
            ) : (
              link.title
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

const MEDIA_ICONS = { image: '🖼', audio: '🔊', video: '🎞', file: '📎' } as const;

/** An absolute http(s) address, or undefined: a relative one would point at the console itself. */
function remoteHref(url: string): string | undefined {
  const href = /^https?:\/\//i.test(url.trim()) ? safeHref(url, window.location.href) : undefined;
  return href && /^https?:/.test(href) ? href : undefined;
}

/**
 * A customer's file that is not on this server, only at an address they gave (the server could
 * not or may not copy it, or has not yet). Loading it would show that address's owner the agent's
 * IP address and browser, so nothing is loaded: the agent may open it in a new tab, by choice.
 */
function RemoteMedia({ part, href, label }: { part: Extract<ContentPart, { type: 'image' | 'audio' | 'video' | 'file' }>; href: string; label: string }) {
  const { t } = useI18n();
  const state = part.unfetched === 'refused' ? 'part.remote.refused' : part.unfetched === 'failed' ? 'part.remote.failed' : 'part.remote.pending';
  return (
    <figure className="part-remote" aria-label={t('part.remote.label', { name: label })}>
      <p className="part-remote-name">
        <span aria-hidden="true">{MEDIA_ICONS[part.type]} </span>
        {label}
        {part.size !== undefined && <small> ({formatSize(part.size)})</small>}
      </p>
      {part.caption && part.caption !== label && <p>{part.caption}</p>}
      <p className="hint">{t(state)}</p>
      <p className="hint">
        {t('part.remote.warning')}{' '}
        <a href={href} target="_blank" rel="noopener noreferrer nofollow" referrerPolicy="no-referrer">
          {t('part.remote.open')}
        </a>
      </p>
    </figure>
  );
}

/**
 * An e-mail: its headers, the new text with the quoted history behind a toggle, its files, and
 * on request the sanitised HTML in a sandboxed frame (no scripts, nothing loaded from elsewhere).
 */
function EmailParts({ email, parts, attachmentUrl }: { email: EmailView; parts: ContentPart[]; attachmentUrl: AttachmentUrl }) {
  const { t } = useI18n();
  const headers: [string, string][] = [
    [t('email.from'), email.from],
    [t('email.to'), email.to.join(', ')],
    ...(email.cc.length ? [[t('email.cc'), email.cc.join(', ')] as [string, string]] : []),
    [t('email.subject'), email.subject],
  ];
  return (
    <div className="part-email">
      <dl className="email-headers">
        {headers.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {email.automatic && <p className="hint">{t('email.automatic', { reason: email.automatic })}</p>}
      <Text text={email.visibleText} />
      {email.fullText !== undefined && (
        <details className="email-quoted">
          <summary>{t('email.showQuoted')}</summary>
          <Text text={email.fullText} />
        </details>
      )}
      {parts
        .filter((p) => p.type !== 'text' && p.type !== 'event')
        .map((part, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts have no id and never reorder
          <Part key={index} part={part} attachmentUrl={attachmentUrl} />
        ))}
      {email.html && (
        <details className="email-html">
          <summary>{t('email.showHtml')}</summary>
          <iframe title={email.subject} sandbox="" referrerPolicy="no-referrer" srcDoc={emailDocument(email.html)} />
        </details>
      )}
    </div>
  );
}

function Text({ text }: { text: string }) {
  return (
    <p className="part-text">
      {linkify(text, window.location.href).map((segment, index) =>
        segment.kind === 'text' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are derived from immutable text
          <span key={index}>{segment.text}</span>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are derived from immutable text
          <a key={index} href={segment.href} target="_blank" rel="noopener noreferrer nofollow">
            {segment.text}
          </a>
        ),
      )}
    </p>
  );
}
