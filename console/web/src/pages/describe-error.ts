import { ApiError } from '../api/client.js';
import type { MessageKey } from '../i18n/en.js';
import type { Params } from '../i18n/translate.js';

/** A problem found before asking the server, already worded for the person. */
export class UserError extends Error {
  override name = 'UserError';
}

/** A line a person can read for any failure of an API call. */
export function describeError(error: unknown, t: (key: MessageKey, params?: Params) => string): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof ApiError) return t('app.error', { message: error.message });
  if (error instanceof TypeError) return t('app.offline');
  return t('app.error', { message: error instanceof Error ? error.message : String(error) });
}
