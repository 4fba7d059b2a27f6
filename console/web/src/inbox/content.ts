import { safeHref } from '../lib/links.js';

export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const urlPattern = /\b(?:https?:\/\/|www\.)[^\s<>"'“”‘’（）《》，。！？、]+/gi;
const trailingPunctuation = /[.,;:!?)\]}'"]+$/;

/**
 * Splits a customer's text into plain runs and http(s) links. Everything stays text: the links
 * become anchors with a checked href, nothing is ever parsed as HTML.
 */
export function linkify(text: string, base: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(urlPattern)) {
    let raw = match[0];
    const trailing = trailingPunctuation.exec(raw)?.[0] ?? '';
    raw = raw.slice(0, raw.length - trailing.length);
    const href = safeHref(raw.startsWith('www.') ? `https://${raw}` : raw, base);
    if (!href || !/^https?:/.test(href)) continue;
    const start = match.index;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/**
 * The readable text of an HTML body (e-mail): parsed in an inert document, which runs no script
 * and loads nothing, then only its text is kept.
 */
export function htmlToText(html: string, parser: DOMParser = new DOMParser()): string {
  const doc = parser.parseFromString(html, 'text/html');
  for (const element of doc.querySelectorAll('script, style, head, template')) element.remove();
  for (const element of doc.querySelectorAll('br')) element.replaceWith('\n');
  for (const element of doc.querySelectorAll('p, div, li, tr, h1, h2, h3, h4, h5, h6, blockquote')) element.append('\n');
  return (doc.body?.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim();
}

const units = ['B', 'KB', 'MB', 'GB'];
export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '';
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${unit === 0 ? size : size.toFixed(size < 10 ? 1 : 0)} ${units[unit]}`;
}
