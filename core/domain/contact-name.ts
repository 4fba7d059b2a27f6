import { createHash } from 'node:crypto';
import type { SenderIdentity } from './messages.js';

/**
 * The name a new contact gets. A customer who gave no name is told apart by a number that stays
 * the same for their channel identity, and by the city and browser where the channel knows them:
 * "Visitor 4821 · Shanghai · Chrome". One rule for every channel, applied where the contact is
 * made, so the list, the profile, search and merge all show and find the same name.
 */
export function contactNameFor(sender: SenderIdentity): string {
  const given = sender.displayName?.trim();
  if (given) return given;
  return visitorName(sender.externalId, sender.attributes ?? {});
}

export function visitorName(externalId: string, attributes: Record<string, unknown>): string {
  const parts = [`Visitor ${visitorNumber(externalId)}`];
  for (const key of ['city', 'browser'] as const) {
    const value = attributes[key];
    if (typeof value === 'string' && value.trim()) parts.push(value.trim().slice(0, 40));
  }
  return parts.join(' · ');
}

/** 1000–9999, from the identity: the same visitor keeps their number across conversations. */
export function visitorNumber(externalId: string): number {
  return 1000 + (createHash('sha256').update(externalId).digest().readUInt32BE(0) % 9000);
}

const generated = /^Visitor \d{4}( · [^·]+)*$/;

/** Whether a contact's name is still the one made up for it (the customer has not given one). */
export const isGeneratedName = (name: string | null): boolean => name === null || name === '' || generated.test(name);

/** The browser family from a User-Agent header, in the words people use; undefined if unknown. */
export function browserFamily(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  // Order matters: most browsers also claim to be Chrome, Safari or Mozilla.
  const families: [RegExp, string][] = [
    [/MicroMessenger\//, 'WeChat'],
    [/\bEdg(e|A|iOS)?\//, 'Edge'],
    [/\bOPR\/|\bOpera\b/, 'Opera'],
    [/SamsungBrowser\//, 'Samsung Internet'],
    [/UCBrowser\//, 'UC Browser'],
    [/\bQQBrowser\//, 'QQ Browser'],
    [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
    [/Chrom(e|ium)\/|\bCriOS\//, 'Chrome'],
    [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  ];
  for (const [pattern, family] of families) if (pattern.test(userAgent)) return family;
  return undefined;
}
