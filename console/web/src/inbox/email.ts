import type { ContentPart } from '../api/domain.js';

/** What the agent's view shows of an e-mail: the headers, the new text, the full text, the HTML. */
export interface EmailView {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  /** The text without quoted history and signature. */
  visibleText: string;
  /** The whole text, when something was folded away; undefined when nothing was. */
  fullText: string | undefined;
  /** The sanitised HTML with its inline images pointing at their stored files, or undefined. */
  html: string | undefined;
  automatic: string | undefined;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The e-mail channel's `email` event part read for display, or undefined for other messages.
 * Inline images (`attachment:<id>` in the HTML) become the attachment's URL; any other
 * `attachment:` reference is removed.
 */
export function emailView(parts: readonly ContentPart[], attachmentUrl: (id: string) => string): EmailView | undefined {
  const event = parts.find((p): p is Extract<ContentPart, { type: 'event' }> => p.type === 'event' && p.name === 'email');
  if (!event?.data) return undefined;
  const data = event.data;
  const body = parts.find((p): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text')?.text ?? '';
  const visible = text(data.visibleText);
  const stored = new Set(parts.flatMap((p) => ('attachmentId' in p && p.attachmentId ? [p.attachmentId] : [])));
  const html = text(data.html)?.replace(/(["'])attachment:([0-9a-f-]{36})\1/gi, (_all, quote: string, id: string) =>
    stored.has(id) ? `${quote}${attachmentUrl(id)}${quote}` : `${quote}${quote}`,
  );
  return {
    from: text(data.from) ?? '',
    to: strings(data.to),
    cc: strings(data.cc),
    subject: text(data.subject) ?? '',
    visibleText: visible ?? body,
    fullText: visible !== undefined && visible !== body ? body : undefined,
    html,
    automatic: text(data.automatic),
  };
}

/**
 * The HTML as a document for a sandboxed frame: no scripts may run in it even if the server's
 * sanitiser missed one, nothing is fetched from elsewhere, links open outside it.
 */
export function emailDocument(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"><base target="_blank"></head><body>${html}</body></html>`;
}
