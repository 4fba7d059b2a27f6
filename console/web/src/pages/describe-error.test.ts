import { describe, expect, it } from 'vitest';
import { describeSettingsError } from '../admin/ChannelsPage.js';
import type { SchemaField } from '../admin/schema-form.js';
import { errorFrom } from '../api/client.js';
import type { MessageKey } from '../i18n/en.js';
import { translate, type Params } from '../i18n/translate.js';
import { describeError } from './describe-error.js';

const en = (key: MessageKey, params?: Params) => translate('en', key, params);
const zh = (key: MessageKey, params?: Params) => translate('zh', key, params);

const missingPassword = () =>
  errorFrom(400, {
    error: 'invalid_request',
    message: 'IMAP password is required',
    issues: [{ field: 'config.imapPassword', message: 'IMAP password is required', problem: 'required', label: { en: 'IMAP password', zh: 'IMAP 密码' } }],
  });
const field = (label: string): SchemaField => ({ name: 'imapPassword', kind: 'text', label, required: true, secret: true });

describe('errors in words, with the field’s label in the reader’s language', () => {
  it('a 400 on saving channel settings names the setting by its label, in English and Chinese', () => {
    expect(describeSettingsError(missingPassword(), [field('IMAP password')], en)).toBe('IMAP password: required');
    expect(describeSettingsError(missingPassword(), [field('IMAP 密码')], zh)).toBe('IMAP 密码：必填');
    const invalid = errorFrom(400, {
      error: 'invalid_request',
      issues: [{ field: 'config.imapPassword', message: 'IMAP password is invalid: too short', problem: 'invalid' }],
    });
    expect(describeSettingsError(invalid, [field('IMAP 密码')], zh)).toBe('IMAP 密码：格式不正确');
  });

  it('a refused common field of any form reads as its label, never as the request’s key', () => {
    const missing = errorFrom(400, {
      error: 'invalid_request',
      message: 'the request is invalid',
      issues: [{ field: 'name', message: 'Invalid input: expected string, received undefined' }],
    });
    expect(describeError(missing, en)).toBe('Name: required');
    expect(describeError(missing, zh)).toBe('名称：必填');
    const long = errorFrom(400, { error: 'invalid_request', issues: [{ field: 'name', message: 'must be 1 to 100 characters' }] });
    expect(describeError(long, en)).toBe('Name: must be 1 to 100 characters');
    expect(describeError(long, zh)).toBe('名称：格式不正确（must be 1 to 100 characters）');
  });

  it('what it cannot name still reads as a sentence', () => {
    expect(describeError(errorFrom(409, { error: 'conflict', message: 'already taken' }), en)).toBe('Something went wrong: already taken');
  });
});
