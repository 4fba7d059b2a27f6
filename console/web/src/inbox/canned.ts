import type { CannedResponse } from '../api/types.js';

/** The `/shortcut` being typed just before the caret, if any: at the start of the text or after a space. */
export function slashQuery(text: string, caret: number): { start: number; query: string } | undefined {
  const before = text.slice(0, caret);
  const match = /(^|\s)\/([^\s/]*)$/.exec(before);
  if (!match) return undefined;
  return { start: before.length - match[2]!.length - 1, query: match[2]!.toLowerCase() };
}

/** Canned responses matching the query: shortcut prefix first, then anywhere in shortcut or title. */
export function matchCanned(all: readonly CannedResponse[], query: string, limit = 8): CannedResponse[] {
  const q = query.toLowerCase();
  const prefix = all.filter((c) => c.shortcut.startsWith(q));
  const inside = all.filter((c) => !c.shortcut.startsWith(q) && (c.shortcut.includes(q) || c.title.toLowerCase().includes(q)));
  return [...prefix, ...inside].slice(0, limit);
}

/** The text with the `/query` replaced by the response's body, and where the caret goes. */
export function insertCanned(text: string, start: number, caret: number, body: string): { text: string; caret: number } {
  const next = text.slice(0, start) + body + text.slice(caret);
  return { text: next, caret: start + body.length };
}
