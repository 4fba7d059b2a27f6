import type { MessageKey } from '../i18n/en.js';
import type { Params } from '../i18n/translate.js';

type T = (key: MessageKey, params?: Params) => string;

/** The name core/domain/contact-name.ts makes up for a customer who gave none: "Visitor 4821 · Shanghai · Chrome". */
const generated = /^Visitor (\d{4})((?: · [^·]+)*)$/;

/**
 * A contact's name as the agent reads it: a name the customer gave as it is; a made-up one in the
 * agent's language ("访客 4821 · Chrome"); none at all as "Visitor". The stored name stays one
 * string, so search and merge find it in every language by its number.
 */
export function shownContactName(name: string | null | undefined, t: T): string {
  if (!name?.trim()) return t('inbox.anonymous');
  const made = generated.exec(name);
  if (!made) return name;
  return `${t('contact.visitor', { number: made[1]! })}${made[2] ?? ''}`;
}
