/**
 * Phone numbers compare by their digits only — E.164 without its "+": "+86 138 0013 8000",
 * "+86-138-0013-8000" and "8613800138000" are the same number. A number written without its
 * country code is a different string of digits and is never guessed to be the same.
 */
export const phoneDigits = (phone: string) => phone.replace(/[^0-9]/g, '');

/** Fewer digits than this is no phone number to recognise anyone by ("anonymous", an extension). */
export const MIN_PHONE_DIGITS = 5;

/** The number in E.164 form ("+8613800138000"), or undefined when it has too few digits to be one. */
export function e164(phone: string): string | undefined {
  const digits = phoneDigits(phone);
  return digits.length >= MIN_PHONE_DIGITS && digits.length <= 15 ? `+${digits}` : undefined;
}
