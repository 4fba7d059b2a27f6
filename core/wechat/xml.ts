import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { ValidationError } from '../errors.js';

/**
 * WeChat's callback XML (Official Account and WeCom alike), read and written with
 * fast-xml-parser; shared by the WeChat connectors. Every value stays a string: MsgId is a
 * 64-bit integer that a JS number would round.
 */
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
});

const builder = new XMLBuilder({ cdataPropName: '__cdata', suppressEmptyNode: false });

/** The `<xml>` element of a WeChat body as an object of strings (and nested objects); ValidationError otherwise. */
export function parseWechatXml(text: string): Record<string, unknown> {
  if (!text.trim()) throw new ValidationError('the body is empty');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new ValidationError(`the body is not well-formed XML: ${valid.err.msg}`);
  let document: unknown;
  try {
    document = parser.parse(text);
  } catch (error) {
    throw new ValidationError(`the body is not well-formed XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const root = (document as { xml?: unknown } | null)?.xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new ValidationError('the body has no <xml> element with fields');
  return root as Record<string, unknown>;
}

/** Writes `<xml>` with text fields as CDATA and numbers bare, the way WeChat writes and expects them. */
export function buildWechatXml(fields: Record<string, string | number | Record<string, string | number>>): string {
  const wrap = (value: string | number | Record<string, string | number>): unknown => {
    if (typeof value === 'number') return value;
    // A `]]>` inside the text would end the CDATA section early: split it across two sections.
    if (typeof value === 'string') return { __cdata: value.replaceAll(']]>', ']]]]><![CDATA[>') };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v)]));
  };
  return builder.build({ xml: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, wrap(v)])) }) as string;
}
