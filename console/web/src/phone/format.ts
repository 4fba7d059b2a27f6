import type { MessageKey } from '../i18n/en.js';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

const DISPOSITIONS = [
  'answered',
  'abandoned_ivr',
  'abandoned_queue',
  'abandoned_ringing',
  'ivr_hangup',
  'voicemail',
  'no_answer',
  'busy',
  'callback_requested',
] as const;

export function dispositionLabel(t: T, disposition: string | null): string {
  if (!disposition) return t('phone.disposition.none');
  return (DISPOSITIONS as readonly string[]).includes(disposition) ? t(`phone.disposition.${disposition as (typeof DISPOSITIONS)[number]}`) : disposition;
}

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '');

export const seconds = (n: number | null) => (n === null ? '–' : `${Math.floor(n / 60)}:${String(n % 60).padStart(2, '0')}`);
