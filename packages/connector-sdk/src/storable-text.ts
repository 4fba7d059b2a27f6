import { ValidationError } from './errors.js';

/**
 * What PostgreSQL can store as text and jsonb: no U+0000, and no unpaired UTF-16 surrogate (a
 * lone `\uD800` from a JSON escape has no UTF-8 form; jsonb refuses it). Every public entry
 * refuses such text with a 400 naming the field, so that a 2xx always means the text can be
 * stored — never a message accepted and then dead-lettered by the router.
 */

export interface TextProblem {
  /** Where it is, the way validation errors name fields: `parts.0.text`, `name`. */
  field: string;
  message: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains U+0000 (NUL), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate, which cannot be stored';
  return undefined;
}

const fieldOf = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

/**
 * The first string (value or key) in `value` that cannot be stored, in document order. Walks
 * with its own stack, so a deep value cannot overflow the call stack.
 */
export function findUnstorableText(value: unknown, root = ''): TextProblem | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      const problem = textProblem(item);
      if (problem) return { field: path || 'body', message: problem };
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], fieldOf(path, i)]);
    } else if (item !== null && typeof item === 'object') {
      const entries = Object.entries(item);
      for (const [key] of entries) {
        const problem = textProblem(key);
        if (problem) return { field: fieldOf(path, key), message: `its name ${problem}` };
      }
      for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], fieldOf(path, entries[i]![0])]);
    }
  }
  return undefined;
}

/** Throws a ValidationError (400) naming the first field whose text PostgreSQL cannot store. */
export function assertStorable(value: unknown, root = ''): void {
  const problem = findUnstorableText(value, root);
  if (problem) throw new ValidationError(`${problem.field} ${problem.message}`, [problem]);
}

/**
 * The value with every U+0000 and unpaired surrogate replaced by U+FFFD, and how many were: the
 * documented cleaned form for sources that cannot be refused or asked again (mail already in a
 * mailbox). Meant for the shallow values connectors build, not for untrusted nesting.
 */
export function toStorable<T>(value: T): { value: T; replaced: number } {
  let replaced = 0;
  const clean = (item: unknown): unknown => {
    if (typeof item === 'string') {
      if (!textProblem(item)) return item;
      replaced += item.split('\u0000').length - 1;
      return item.replaceAll('\u0000', '\uFFFD').replace(new RegExp(LONE_SURROGATE.source, 'g'), () => {
        replaced++;
        return '\uFFFD';
      });
    }
    if (Array.isArray(item)) return item.map(clean);
    if (item !== null && typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
      return Object.fromEntries(Object.entries(item).map(([key, inner]) => [clean(key) as string, clean(inner)]));
    }
    return item;
  };
  return { value: clean(value) as T, replaced };
}
