import type { ContentPart } from './messages.js';

/**
 * The satisfaction survey answered by a reply: on these channels the survey message asks the
 * customer to reply with a number from 1 to 5, and the router takes a reply that is only that
 * (or one of the words below, or 1–5 stars) as the rating. The web chat has its rating card,
 * e-mail a link (a reply to an e-mail is a message), phone lines the keypad.
 */
const NOT_BY_REPLY = new Set(['web', 'email', 'voice-asterisk', 'voice-twilio', 'voice-cti']);

export function surveyAnsweredByReply(channelType: string): boolean {
  return !NOT_BY_REPLY.has(channelType);
}

/** How long after the survey was sent a reply still answers it. */
export const SURVEY_REPLY_HOURS = 24;

/** Words that are a rating on their own, in English and Chinese ("ok" is not one: it is how people say thanks). */
const WORDS: Record<string, number> = {
  'very dissatisfied': 1,
  'very unsatisfied': 1,
  terrible: 1,
  非常不满意: 1,
  很不满意: 1,
  dissatisfied: 2,
  unsatisfied: 2,
  不满意: 2,
  neutral: 3,
  一般: 3,
  satisfied: 4,
  满意: 4,
  'very satisfied': 5,
  excellent: 5,
  非常满意: 5,
  很满意: 5,
};

/**
 * The rating a customer's reply gives, or undefined when it is anything else (which stays a
 * message for the agents). Full-width digits count; closing punctuation and spaces do not matter.
 */
export function ratingOfReply(parts: readonly ContentPart[]): number | undefined {
  if (parts.length !== 1 || parts[0]?.type !== 'text') return undefined;
  const text = parts[0].text
    .normalize('NFKC')
    .replace(/\uFE0F/g, '')
    .trim()
    .replace(/[\s.!。！~～]+$/u, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
  if (/^[1-5]$/.test(text)) return Number(text);
  if (/^(?:⭐|★){1,5}$/u.test(text)) return [...text].length;
  return WORDS[text];
}

/** The survey line for channels answered by a reply: the number to send, and the link for those who prefer it. */
export function surveyReplyText(url: string): string {
  return [
    `How did we do? Reply with a number from 1 (very dissatisfied) to 5 (very satisfied), or rate us here: ${url}`,
    `您对本次服务满意吗？请回复数字 1（非常不满意）到 5（非常满意），或点击评价：${url}`,
  ].join('\n');
}
