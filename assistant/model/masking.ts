/**
 * Personal data kept on this server: e-mail addresses, phone numbers and card numbers in what is
 * sent to a company's model are replaced by placeholders (`[email 1]`, `[phone 2]`, `[card 1]`),
 * and the model's answer gets the originals back, so an agent's draft still reads right. The same
 * value gets the same placeholder throughout one call.
 */

type Kind = 'email' | 'phone' | 'card';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** 13 to 19 digits, maybe in groups split by single spaces or dashes; a card only when its check digit holds (Luhn). */
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/g;
const PHONES = [
  // Chinese mobiles: 1[3-9]x xxxx xxxx, with or without +86 / 0086, spaced or dashed in 3-4-4.
  /(?<![\d+])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)/g,
  // Any number written with its country code: + then 8 to 15 digits, spaces, dashes or brackets between.
  /(?<![\w+])\+\d[\d ()-]{6,20}\d(?!\d)/g,
  // Chinese landlines with their area code (010-12345678, 0755-1234567) and 400/800 service numbers.
  /(?<!\d)(?:0\d{2,3}-\d{7,8}|[48]00-?\d{3}-?\d{4})(?!\d)/g,
  // Numbers written the North American way: (555) 123-4567, 555-123-4567, 555.123.4567.
  /(?<![\d(])(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}(?!\d)/g,
];
const PLACEHOLDER = /\[(email|phone|card) (\d+)\]/gi;

/** The Luhn check every payment card number passes. */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export class PersonalDataMask {
  private readonly placeholders = new Map<string, string>();
  private readonly originals = new Map<string, string>();
  private readonly counts: Record<Kind, number> = { email: 0, phone: 0, card: 0 };

  /** How many values were replaced, by kind. */
  get replaced(): Readonly<Record<Kind, number>> {
    return this.counts;
  }

  /** The text with every e-mail address, card number and phone number replaced. */
  mask(text: string): string {
    let out = text.replace(EMAIL, (found) => this.placeholder('email', found));
    out = out.replace(CARD, (found) => {
      const digits = found.replace(/[ -]/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? this.placeholder('card', found) : found;
    });
    for (const pattern of PHONES) {
      out = out.replace(pattern, (found) => {
        const digits = found.replace(/\D/g, '').length;
        return digits >= 7 && digits <= 15 ? this.placeholder('phone', found) : found;
      });
    }
    return out;
  }

  /** The placeholders of this mask in `text` put back to what they stood for; others are left. */
  unmask(text: string): string {
    return text.replace(PLACEHOLDER, (found, kind: string, n: string) => this.originals.get(`[${kind.toLowerCase()} ${n}]`) ?? found);
  }

  /**
   * Unmasks a streamed answer piece by piece: a placeholder cut between two pieces is held back
   * until its end arrives. `flush` gives what is left at the end.
   */
  streaming(): { push(piece: string): string; flush(): string } {
    let held = '';
    return {
      push: (piece) => {
        held += piece;
        const open = held.lastIndexOf('[');
        const cut = open !== -1 && held.indexOf(']', open) === -1 && held.length - open <= 12 ? open : held.length;
        const ready = held.slice(0, cut);
        held = held.slice(cut);
        return this.unmask(ready);
      },
      flush: () => {
        const rest = this.unmask(held);
        held = '';
        return rest;
      },
    };
  }

  private placeholder(kind: Kind, value: string): string {
    const known = this.placeholders.get(value);
    if (known) return known;
    const made = `[${kind} ${++this.counts[kind]}]`;
    this.placeholders.set(value, made);
    this.originals.set(made, value);
    return made;
  }
}
