import { assertStorable, textProblem } from '../domain/storable-text.js';
import { ValidationError } from '../errors.js';

/**
 * What public entries take as text: UTF-8 that decodes strictly, JSON nested at most
 * MAX_JSON_DEPTH deep, query parameters whose escapes decode, and only text PostgreSQL can store
 * (core/domain/storable-text.ts). Everything else is a ValidationError (400) naming the field.
 */

/** Deeper JSON is refused: no payload we take needs it, and deep values overflow recursive code later on. */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text; bytes that are not UTF-8 are refused (400 naming the body) instead of becoming U+FFFD. */
export function decodeUtf8(bytes: Uint8Array, field = 'body'): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ValidationError('the body is not valid UTF-8', [{ field, message: 'not valid UTF-8' }]);
  }
}

/** Whether arrays and objects nest deeper than `max`; counted without recursion, outside strings. */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

/**
 * A JSON body as every public entry takes it: valid UTF-8, nested at most MAX_JSON_DEPTH deep,
 * and holding only text PostgreSQL can store. Anything else is a ValidationError (400) naming
 * the field. An empty body is `undefined`.
 */
export function parseJsonBody(body: Uint8Array | string): unknown {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  if (text.trim() === '') return undefined;
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new ValidationError('the body is nested too deeply', [{ field: 'body', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError('the body is not valid JSON', [{ field: 'body', message: 'not valid JSON' }]);
  }
  assertStorable(value);
  return value;
}

/**
 * A provider's body, checked before its connector parses it: JSON as parseJsonBody checks it;
 * other text (XML, plain text, forms) must be UTF-8 unless it names another charset. Binary
 * bodies pass. The messages a connector makes of it are checked again before they are published.
 */
export function checkTextBody(contentType: string | undefined, body: Uint8Array): void {
  const type = (contentType ?? '').toLowerCase();
  const charset = /;\s*charset="?([^";\s]+)/.exec(type)?.[1];
  if (charset && charset !== 'utf-8' && charset !== 'utf8') return;
  if (/^application\/([\w.-]+\+)?json\b/.test(type)) parseJsonBody(body);
  else if (/^(text\/|application\/([\w.-]+\+)?xml\b|application\/x-www-form-urlencoded\b)/.test(type)) decodeUtf8(body);
}

const decodeComponent = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
};

/**
 * The query string as it will be read: escapes that decode to invalid UTF-8 or a lone surrogate
 * (which lenient decoding would keep as raw `%FF` or turn into U+FFFD), and values PostgreSQL
 * cannot store (`%00`), are a 400 naming the parameter.
 */
export function checkQuery(url: string): void {
  const start = url.indexOf('?');
  if (start < 0) return;
  const end = url.indexOf('#', start);
  for (const pair of url.slice(start + 1, end < 0 ? undefined : end).split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    if (key === undefined || textProblem(key))
      throw new ValidationError('a query parameter name is not valid text', [{ field: 'query', message: 'not valid UTF-8 text' }]);
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1));
    if (value === undefined) throw new ValidationError(`${key} is not valid UTF-8`, [{ field: key, message: 'not valid UTF-8 percent-encoding' }]);
    const problem = textProblem(value);
    if (problem) throw new ValidationError(`${key} ${problem}`, [{ field: key, message: problem }]);
  }
}
