import { useCallback, useEffect, useId, useState } from 'react';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import type { ContactChanges, ContactRecord, CrmApi, CustomField } from './api.js';

/**
 * The whole record of a customer, edited on their profile: name, e-mail, phone, company (picked,
 * or made by typing a new name) and the company's custom fields. An emptied field is cleared.
 */
export function ContactEditForm({ api, contact, onSaved, onCancel }: { api: CrmApi; contact: ContactRecord; onSaved(): void; onCancel(): void }) {
  const { t } = useI18n();
  const [fields, setFields] = useState<CustomField[]>([]);
  const [companies, setCompanies] = useState<{ id: string; name: string }[]>([]);
  const companyList = useId();
  useEffect(() => {
    let current = true;
    // Without these lists the form still edits the rest; the server checks what is sent.
    api.customFields().then(
      (r) => current && setFields(r.fields),
      () => undefined,
    );
    api.companies().then(
      (r) => current && setCompanies(r.companies),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api]);

  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const orNull = (name: string) => formText(form, name).trim() || null;
        const changes: ContactChanges = { name: orNull('name'), email: orNull('email'), phone: orNull('phone') };
        const companyName = formText(form, 'company').trim();
        if (!companyName) changes.companyId = null;
        else if (companyName !== contact.company?.name) {
          const known = companies.find((c) => c.name.toLowerCase() === companyName.toLowerCase());
          changes.companyId = known ? known.id : (await api.addCompany(companyName)).id;
        }
        const attributes: Record<string, unknown> = {};
        for (const field of fields) attributes[field.key] = fieldValue(field, form);
        if (fields.length) changes.attributes = attributes;
        await api.update(contact.id, changes);
        onSaved();
      },
      [api, contact.id, contact.company?.name, companies, fields, onSaved],
    ),
    useCallback((caught: unknown) => describeError(caught, t), [t]),
  );

  return (
    <form onSubmit={(event) => void onSubmit(event)} aria-label={t('customer.edit')} className="contact-editor section">
      <Field label={t('admin.name')} name="name" defaultValue={contact.name ?? ''} maxLength={200} />
      <Field label={t('customer.email')} name="email" type="email" defaultValue={contact.email ?? ''} />
      <Field label={t('customer.phone')} name="phone" type="tel" defaultValue={contact.phone ?? ''} maxLength={50} />
      <Field
        label={t('crm.company')}
        name="company"
        list={companyList}
        defaultValue={contact.company?.name ?? ''}
        maxLength={200}
        hint={t('crm.companyHint')}
      />
      <datalist id={companyList}>
        {companies.map((c) => (
          <option key={c.id} value={c.name} />
        ))}
      </datalist>
      {fields.map((field) => (
        <CustomFieldInput key={field.id} field={field} value={contact.attributes[field.key]} />
      ))}
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

/** The value a custom field's input holds, in the type the server checks; null clears it. */
function fieldValue(field: CustomField, form: FormData): unknown {
  const text = formText(form, `field.${field.key}`).trim();
  switch (field.type) {
    case 'boolean':
      return form.get(`field.${field.key}`) === 'on';
    case 'number':
      return text === '' ? null : Number(text);
    default:
      return text === '' ? null : text;
  }
}

function CustomFieldInput({ field, value }: { field: CustomField; value: unknown }) {
  const { t } = useI18n();
  const id = useId();
  const name = `field.${field.key}`;
  if (field.type === 'boolean') {
    return (
      <div className="field checkbox">
        <label htmlFor={id}>
          <input id={id} type="checkbox" name={name} defaultChecked={value === true} /> {field.label}
        </label>
      </div>
    );
  }
  if (field.type === 'select') {
    return (
      <div className="field">
        <label htmlFor={id}>{field.label}</label>
        <select id={id} name={name} defaultValue={typeof value === 'string' ? value : ''}>
          <option value="">{t('crm.fieldEmpty')}</option>
          {field.options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </div>
    );
  }
  const type = field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text';
  return (
    <Field
      label={field.label}
      name={name}
      type={type}
      step={field.type === 'number' ? 'any' : undefined}
      defaultValue={value === undefined || value === null ? '' : String(value)}
    />
  );
}
