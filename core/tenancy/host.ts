/**
 * The company a host names: `<slug>.<BASE_HOST>` (never `www`, never a deeper subdomain), or
 * nothing when the host is not one of the companies' own. Shared by the console, which selects the
 * company by it, and the widget, which refuses another company's channels under it.
 */
export function slugOfHost(hostHeader: string | undefined, baseHost: string | undefined): string | undefined {
  if (!baseHost) return undefined;
  const host = (hostHeader ?? '').toLowerCase().replace(/:\d+$/, '');
  const suffix = `.${baseHost.toLowerCase().replace(/:\d+$/, '')}`;
  if (!host.endsWith(suffix)) return undefined;
  const label = host.slice(0, -suffix.length);
  return label && !label.includes('.') && label !== 'www' ? label : undefined;
}
