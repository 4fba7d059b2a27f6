/**
 * A settings form drawn from a connector's JSON Schema (what zod's toJSONSchema makes of its
 * config). Fields marked `writeOnly` are secrets: never shown, left alone when left empty.
 */
export type FieldKind = 'text' | 'url' | 'email' | 'integer' | 'number' | 'boolean' | 'select' | 'list';

export interface SchemaField {
  name: string;
  kind: FieldKind;
  label: string;
  description?: string;
  required: boolean;
  secret: boolean;
  defaultValue?: string | number | boolean;
  options?: string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

type JsonSchema = Record<string, unknown>;

const isRecord = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown) => (typeof value === 'number' ? value : undefined);
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The fields of an object schema, in its order. Nested objects are not drawn (no connector has them). */
export function schemaFields(schema: unknown): SchemaField[] {
  if (!isRecord(schema) || !isRecord(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((n): n is string => typeof n === 'string') : []);
  const fields: SchemaField[] = [];
  for (const [name, raw] of Object.entries(schema.properties)) {
    if (!isRecord(raw)) continue;
    const property = unwrap(raw);
    const kind = kindOf(property);
    if (!kind) continue;
    const defaultValue = raw.default ?? property.default;
    fields.push({
      name,
      kind,
      label: str(raw.title) ?? str(property.title) ?? humanize(name),
      description: str(raw.description) ?? str(property.description),
      // A field with a default may be left out.
      required: required.has(name) && defaultValue === undefined,
      secret: raw.writeOnly === true || property.writeOnly === true || raw.secret === true || property.secret === true,
      defaultValue: typeof defaultValue === 'string' || typeof defaultValue === 'number' || typeof defaultValue === 'boolean' ? defaultValue : undefined,
      options: Array.isArray(property.enum) ? property.enum.map(String) : undefined,
      min: num(property.minimum),
      max: num(property.maximum),
      minLength: num(property.minLength),
      maxLength: num(property.maxLength),
      pattern: str(property.pattern),
    });
  }
  return fields;
}

/** A nullable X (`anyOf: [X, {type: null}]` or `type: [X, "null"]`) is X. */
function unwrap(property: JsonSchema): JsonSchema {
  if (Array.isArray(property.type)) {
    const types = property.type.filter((type) => type !== 'null');
    if (types.length === 1) return { ...property, type: types[0] };
  }
  const anyOf = Array.isArray(property.anyOf) ? property.anyOf.filter(isRecord) : undefined;
  if (anyOf) {
    const concrete = anyOf.filter((option) => option.type !== 'null');
    if (concrete.length === 1) return { ...property, ...concrete[0] };
  }
  return property;
}

function kindOf(property: JsonSchema): FieldKind | undefined {
  if (Array.isArray(property.enum)) return 'select';
  switch (property.type) {
    case 'string':
      return property.format === 'uri' ? 'url' : property.format === 'email' ? 'email' : 'text';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return isRecord(property.items) && property.items.type === 'string' ? 'list' : undefined;
    default:
      return undefined;
  }
}

/** `webhookSecret` → "Webhook secret", `api_key` → "Api key". */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The settings a submitted form means: text trimmed, numbers parsed, lists one per line, empty
 * optional fields left out, and empty secrets left out so the stored ones stay.
 */
export function formSettings(fields: readonly SchemaField[], form: FormData): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = form.get(field.name);
    if (field.kind === 'boolean') {
      settings[field.name] = raw === 'on' || raw === 'true';
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '') continue;
    if (field.kind === 'integer' || field.kind === 'number') settings[field.name] = Number(text);
    else if (field.kind === 'list')
      settings[field.name] = text
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    else settings[field.name] = text;
  }
  return settings;
}
