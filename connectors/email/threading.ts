import { createHash } from 'node:crypto';

/**
 * How mail threads: the headers a mail client sets (In-Reply-To, References), and, for clients
 * that drop them, a token we put in the subject of every reply: `[#k3f9q2x7mb]`.
 */

// Reply and forward prefixes in the languages our customers write in, repeated or stacked
// ("Re: AW: 回复：…"), with a full-width or ASCII colon and an optional counter ("Re[2]:").
const PREFIX = /^\s*(?:(?:re|aw|sv|vs|antw|wg|fw|fwd|tr|rv|odp|ynt|回复|回覆|答复|答覆|转发|轉寄|转寄|転送|返信)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+/i;
const TOKEN = /\[#([a-z0-9]{10})\]/i;

/** The subject without reply/forward prefixes and without our token: what the conversation is called. */
export function baseSubject(subject: string | undefined): string {
  let s = (subject ?? '').replace(TOKEN, ' ');
  for (let i = 0; i < 10; i++) {
    const next = s.replace(PREFIX, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').trim();
}

/** The conversation token in a subject, if there is one. */
export function subjectToken(subject: string | undefined): string | undefined {
  return TOKEN.exec(subject ?? '')?.[1]?.toLowerCase();
}

/** The subject of our reply: one "Re:", the customer's subject, our token once. */
export function replySubject(subject: string | undefined, threadKey: string): string {
  const base = baseSubject(subject) || '(no subject)';
  return threadKey ? `Re: ${base} [#${threadKey}]` : `Re: ${base}`;
}

/** A thread key for a thread that starts with this Message-ID (or raw hash): short, stable, token-safe. */
export function threadKeyFor(rootId: string): string {
  return createHash('sha256').update(rootId).digest('hex').slice(0, 10);
}

/** `<a@b>` → `a@b`; message ids are compared and stored without the angle brackets. */
export function bareId(id: string): string {
  return id.trim().replace(/^<|>$/g, '').trim();
}

/** Every message id in a References/In-Reply-To header value (a string or mailparser's array), in order. */
export function messageIds(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const found = text.match(/<[^<>\s]+>/g);
  if (found) return found.map(bareId).filter(Boolean);
  return text.split(/\s+/).map(bareId).filter(Boolean);
}

/**
 * The ids that may name a conversation we already have, most telling first: the mail it
 * answers, then its References from the newest back to the thread's root.
 */
export function threadCandidates(inReplyTo: string[], references: string[]): string[] {
  return [...new Set([...inReplyTo, ...[...references].reverse()])];
}

/**
 * The headers of our reply so the customer's client puts it in the thread: In-Reply-To names
 * the customer's last mail, References the thread's ids (root first, newest last; RFC 5322
 * allows trimming the middle, which keeps long threads' headers short).
 */
export function replyHeaders(history: string[], inReplyTo: string | undefined): { inReplyTo?: string; references?: string[] } {
  const ids = [...new Set(history.filter(Boolean))];
  if (inReplyTo && !ids.includes(inReplyTo)) ids.push(inReplyTo);
  const references = ids.length > 20 ? [ids[0]!, ...ids.slice(-19)] : ids;
  const last = inReplyTo ?? ids.at(-1);
  return { ...(last ? { inReplyTo: last } : {}), ...(references.length ? { references } : {}) };
}
