import type { InboundEnvelope } from '../../core/domain/messages.js';

/** Words that ask for a person in any channel, beside a channel's own (bot_settings.handoff_keywords). */
export const HANDOFF_WORDS = ['人工', '转人工', '人工客服', 'agent', 'human', 'person', 'representative'];

/** Words that say the answer helped, read only right after an answer of the bot's and in a short message. */
const SOLVED_WORDS = ['谢谢', '多谢', '感谢', '解决了', '明白了', 'thanks', 'thank you', 'thx', 'solved', 'that helps', 'that helped', 'got it', 'perfect'];

/** The web chat's "talk to a person" control: an event part the widget stores (connectors/web/widget-app.ts). */
export const HANDOFF_EVENT = 'handoff.requested';

const CJK = /[\u2e80-\u9fff\uf900-\ufaff]/u;

/**
 * Whether `text` holds `word`: a Chinese word anywhere (Chinese has no spaces), a Latin one as a
 * whole word in any case ("agent" in "an agent please", not in "agents' fees"… nor "reagent").
 */
export function holdsWord(text: string, word: string): boolean {
  const needle = word.trim().toLowerCase();
  if (!needle) return false;
  const haystack = text.normalize('NFKC').toLowerCase();
  if (CJK.test(needle)) return haystack.includes(needle);
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(haystack);
}

/** Whether the message asks for a person: the widget's control, or one of the words. */
export function asksForPerson(envelope: InboundEnvelope, text: string, keywords: readonly string[]): boolean {
  if (envelope.message.parts.some((p) => p.type === 'event' && p.name === HANDOFF_EVENT)) return true;
  return [...HANDOFF_WORDS, ...keywords].some((word) => holdsWord(text, word));
}

/** Whether a short message says the customer is helped ("谢谢", "thanks, solved!"); a new question is not. */
export function saysSolved(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 40 || /[?？]/.test(trimmed)) return false;
  return SOLVED_WORDS.some((word) => holdsWord(trimmed, word));
}
