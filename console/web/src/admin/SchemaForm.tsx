import { useId, type ReactElement } from 'react';
import { useI18n } from '../i18n/i18n.js';
import type { SchemaField } from './schema-form.js';

/**
 * The inputs of a settings form drawn from a connector's JSON Schema. `values` fills the fields of
 * an existing channel; secrets are never filled: `secretsSet` only says which are stored.
 */
export function SchemaFields({
  fields,
  values = {},
  secretsSet = {},
}: {
  fields: SchemaField[];
  values?: Record<string, unknown>;
  secretsSet?: Record<string, boolean>;
}) {
  return (
    <>
      {fields.map((field) => (
        <SchemaInput key={field.name} field={field} value={values[field.name]} secretSet={secretsSet[field.name] === true} />
      ))}
    </>
  );
}

function SchemaInput({ field, value, secretSet }: { field: SchemaField; value: unknown; secretSet: boolean }) {
  const { t, language } = useI18n();
  const id = useId();
  const hintId = `${id}-hint`;
  const current = value ?? field.defaultValue;
  // The setting's hint and the note on secrets read as two sentences, in either language.
  const ended = (text: string) => (/[.。!！?？)）]$/.test(text) ? text : `${text}${language === 'zh' ? '。' : '.'}`);
  const secretNote = field.secret ? (secretSet ? t('schema.secretSet') : t('schema.secret')) : undefined;
  const hint = [field.description && secretNote ? ended(field.description) : field.description, secretNote].filter(Boolean).join(language === 'zh' ? '' : ' ');
  // A stored secret need not be typed again.
  const required = field.required && !(field.secret && secretSet);
  if (field.kind === 'boolean') {
    return (
      <div className="field">
        <label className="check" htmlFor={id}>
          <input id={id} type="checkbox" name={field.name} defaultChecked={current === true} aria-describedby={hint ? hintId : undefined} /> {field.label}
        </label>
        {hint && (
          <small id={hintId} className="hint">
            {hint}
          </small>
        )}
      </div>
    );
  }
  let control: ReactElement;
  const common = { id, name: field.name, required, 'aria-describedby': hint ? hintId : undefined };
  if (field.kind === 'select') {
    control = (
      <select {...common} defaultValue={typeof current === 'string' ? current : ''}>
        {!field.required && <option value="">—</option>}
        {field.options?.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'list') {
    control = <textarea {...common} rows={3} defaultValue={Array.isArray(current) ? current.join('\n') : ''} />;
  } else if (field.secret) {
    control = <input {...common} type="password" autoComplete="new-password" minLength={field.minLength} maxLength={field.maxLength} />;
  } else {
    const type = field.kind === 'url' ? 'url' : field.kind === 'email' ? 'email' : field.kind === 'integer' || field.kind === 'number' ? 'number' : 'text';
    control = (
      <input
        {...common}
        type={type}
        step={field.kind === 'integer' ? 1 : field.kind === 'number' ? 'any' : undefined}
        min={field.min}
        max={field.max}
        minLength={field.minLength}
        maxLength={field.maxLength}
        pattern={field.pattern}
        defaultValue={typeof current === 'string' || typeof current === 'number' ? String(current) : ''}
      />
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{field.label}</label>
      {control}
      {hint && (
        <small id={hintId} className="hint">
          {hint}
        </small>
      )}
    </div>
  );
}
