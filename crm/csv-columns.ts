import { z } from 'zod';

/** The columns of the contacts CSV (export writes them, import reads them); custom fields follow by key. */
export const BASE_COLUMNS = ['id', 'name', 'email', 'phone', 'company', 'tags', 'created_at'] as const;
/** Tags in one cell, separated by semicolons. */
export const TAG_SEPARATOR = ';';

export interface FieldDef {
  key: string;
  type: 'text' | 'number' | 'boolean' | 'date' | 'select';
  options: string[];
}

const email = z.email().max(320);
const phone = z
  .string()
  .max(50)
  .regex(/^[+0-9 ()\-.#*]{3,50}$/, 'a phone number');
const TRUE = new Set(['true', 'yes', '1', 'y', '是']);
const FALSE = new Set(['false', 'no', '0', 'n', '否']);

/** One CSV row checked and typed, or the reasons it is refused. */
export type ParsedRow =
  | {
      ok: true;
      id: string | null;
      name: string | null;
      email: string | null;
      phone: string | null;
      company: string | null;
      tags: string[] | null;
      attributes: Record<string, unknown>;
    }
  | { ok: false; errors: string[] };

/** Reads one record (header → cell). Empty cells mean "leave as it is". */
export function parseRow(record: Record<string, string | undefined>, fields: ReadonlyMap<string, FieldDef>): ParsedRow {
  const errors: string[] = [];
  const cell = (key: string) => {
    const value = record[key]?.trim();
    return value ? value : null;
  };
  const id = cell('id');
  if (id && !z.uuid().safeParse(id).success) errors.push('id: not a contact id');
  const name = cell('name');
  if (name && name.length > 200) errors.push('name: longer than 200 characters');
  const mail = cell('email')?.toLowerCase() ?? null;
  if (mail && !email.safeParse(mail).success) errors.push(`email: "${mail.slice(0, 80)}" is not an e-mail address`);
  const tel = cell('phone');
  if (tel && !phone.safeParse(tel).success) errors.push(`phone: "${tel.slice(0, 60)}" is not a phone number`);
  const company = cell('company');
  if (company && company.length > 200) errors.push('company: longer than 200 characters');
  const tagCell = cell('tags');
  const tags = tagCell
    ? [
        ...new Set(
          tagCell
            .split(TAG_SEPARATOR)
            .map((t) => t.trim())
            .filter(Boolean),
        ),
      ]
    : null;
  if (tags && (tags.length > 50 || tags.some((t) => t.length > 50))) errors.push('tags: at most 50 tags of up to 50 characters');
  const attributes: Record<string, unknown> = {};
  for (const [key, field] of fields) {
    const value = cell(key);
    if (value === null) continue;
    const typed = typedValue(field, value);
    if (typed.ok) attributes[key] = typed.value;
    else errors.push(`${key}: ${typed.message}`);
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, id, name, email: mail, phone: tel, company, tags, attributes };
}

function typedValue(field: FieldDef, value: string): { ok: true; value: unknown } | { ok: false; message: string } {
  switch (field.type) {
    case 'text':
      return value.length <= 2000 ? { ok: true, value } : { ok: false, message: 'longer than 2000 characters' };
    case 'number': {
      const n = Number(value);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `"${value.slice(0, 40)}" is not a number` };
    }
    case 'boolean': {
      const v = value.toLowerCase();
      return TRUE.has(v) ? { ok: true, value: true } : FALSE.has(v) ? { ok: true, value: false } : { ok: false, message: 'true or false' };
    }
    case 'date':
      return z.iso.date().safeParse(value).success ? { ok: true, value } : { ok: false, message: 'a date YYYY-MM-DD' };
    case 'select':
      return field.options.includes(value) ? { ok: true, value } : { ok: false, message: `one of ${field.options.join(', ')}` };
  }
}

/** A cell a spreadsheet would run as a formula is written with a leading apostrophe. */
export const inertCell = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
