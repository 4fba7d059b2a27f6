import { useCallback } from 'react';
import type { ContactDetail } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';

/** Tags as typed: separated by commas (either kind) or spaces, each once. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,，\s]+/)
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

/** Edits the customer's record: name, e-mail, phone and tags; an emptied field is cleared. */
export function ContactEditor({ contact, onSaved, onCancel }: { contact: ContactDetail; onSaved(): void; onCancel(): void }) {
  const { t } = useI18n();
  const { contacts } = useApi();
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const orNull = (name: string) => formText(form, name).trim() || null;
        await contacts.update(contact.id, { name: orNull('name'), email: orNull('email'), phone: orNull('phone'), tags: parseTags(formText(form, 'tags')) });
        onSaved();
      },
      [contacts, contact.id, onSaved],
    ),
    useCallback((caught: unknown) => describeError(caught, t), [t]),
  );
  return (
    <form onSubmit={(event) => void onSubmit(event)} aria-label={t('customer.edit')} className="contact-editor">
      <Field label={t('admin.name')} name="name" defaultValue={contact.name ?? ''} maxLength={200} />
      <Field label={t('customer.email')} name="email" type="email" defaultValue={contact.email ?? ''} />
      <Field label={t('customer.phone')} name="phone" type="tel" defaultValue={contact.phone ?? ''} maxLength={50} />
      <Field label={t('customer.tags')} name="tags" defaultValue={contact.tags.join(', ')} hint={t('customer.tagsHint')} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {t('form.save')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('form.cancel')}
        </button>
      </div>
    </form>
  );
}
