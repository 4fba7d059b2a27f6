/**
 * The href a link may carry, or undefined: only http(s) and mailto/tel survive, never
 * javascript:, data: or vbscript:. Relative URLs resolve against `base`.
 */
export function safeHref(value: string, base: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim(), base);
  } catch {
    return undefined;
  }
  return ['http:', 'https:', 'mailto:', 'tel:'].includes(url.protocol) ? url.href : undefined;
}
