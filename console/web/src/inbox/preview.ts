import type { ContentPart } from '../api/domain.js';
import type { ConversationView } from '../api/types.js';
import type { MessageKey } from '../i18n/en.js';
import type { Params } from '../i18n/translate.js';

type Translate = (key: MessageKey, params?: Params) => string;

/** One line for the list: the text shortened, anything else by its kind ("[image]", "[图片]"). */
export function previewLine(lastMessage: ConversationView['lastMessage'], t: Translate): string {
  if (!lastMessage) return '';
  // The survey's link is for the customer; the list says what it is.
  if (lastMessage.about === 'survey') return t('survey.sent');
  const line = lastMessage.parts
    .map((part) => partLine(part, t))
    .filter(Boolean)
    .join(' ');
  const short = line.length > 80 ? `${line.slice(0, 79)}…` : line;
  return lastMessage.direction === 'out' && short ? t('preview.reply', { text: short }) : short;
}

function partLine(part: ContentPart, t: Translate): string {
  switch (part.type) {
    case 'text':
      // E-mail bodies may be HTML: the list wants words, not tags.
      return (part.format === 'html' ? part.text.replace(/<[^>]*>/g, ' ') : part.text).replace(/\s+/g, ' ').trim();
    case 'image':
      return t('preview.image');
    case 'audio':
      return t('preview.audio');
    case 'video':
      return t('preview.video');
    case 'file':
      return part.name ? `${t('preview.file')} ${part.name}` : t('preview.file');
    case 'location':
      return part.label ? `${t('preview.location')} ${part.label}` : t('preview.location');
    case 'link':
      return part.title ? `${t('preview.link')} ${part.title}` : t('preview.link');
    case 'event':
      return '';
  }
}

/** How long a customer has waited, in the largest unit that is at least one. */
export function waitedFor(since: string, now: number, t: Translate): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  if (minutes < 1) return t('preview.waitingNow');
  if (minutes < 60) return t('preview.waitingMinutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('preview.waitingHours', { count: hours });
  return t('preview.waitingDays', { count: Math.floor(hours / 24) });
}
