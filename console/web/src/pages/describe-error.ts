import { ApiError } from '../api/client.js';
import { en, type MessageKey } from '../i18n/en.js';
import type { Params } from '../i18n/translate.js';

/** A problem found before asking the server, already worded for the person. */
export class UserError extends Error {
  override name = 'UserError';
}

type T = (key: MessageKey, params?: Params) => string;

/** A request field's label in the reader's language (`config.imapPassword` → "IMAP password"), if known. */
export type FieldLabel = (field: string) => string | undefined;

/** Fields many forms share, labelled by the dictionaries (`field.name`, `field.email`, …). */
function commonLabel(field: string, t: T): string | undefined {
  const last = field.split('.').pop() ?? field;
  const key = `field.${last}`;
  return key in en ? t(key as MessageKey) : undefined;
}

/**
 * A line a person can read for any failure of an API call. A refused field reads as its label and
 * what is wrong ("IMAP password: required", "IMAP 密码：必填"), never as the request's own names.
 */
export function describeError(error: unknown, t: T, fieldLabel?: FieldLabel): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof ApiError) {
    if (error.code === 'invalid_request' && error.field) {
      const label = fieldLabel?.(error.field) ?? commonLabel(error.field, t);
      if (label) return fieldProblem(error, label, t);
    }
    return t('app.error', { message: error.message });
  }
  if (error instanceof TypeError) return t('app.offline');
  return t('app.error', { message: error instanceof Error ? error.message : String(error) });
}

function fieldProblem(error: ApiError, label: string, t: T): string {
  if (error.problem === 'required' || /required|received undefined/i.test(error.fieldMessage ?? '')) return t('app.fieldRequired', { label });
  // The server's English detail is kept for what the label alone cannot say ("must be 1 to 100 characters").
  const detail = error.problem === 'invalid' ? '' : (error.fieldMessage ?? '');
  return detail ? t('app.fieldInvalidBecause', { label, detail }) : t('app.fieldInvalid', { label });
}
