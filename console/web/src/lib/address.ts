/** Whether a link to this address only works on the machine that serves it. */
export function isLocalAddress(address: string): boolean {
  let host: string;
  try {
    host = new URL(address).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host);
}

/**
 * Whether the company's links would point at a local address while this console is open at
 * another host: then what people are sent cannot open on their machines. Opened on the server
 * itself (same host) it is a trial, not a mistake, and nobody is warned.
 */
export function linksLookLocal(address: string, pageUrl: string): boolean {
  if (!isLocalAddress(address)) return false;
  return new URL(address).hostname !== new URL(pageUrl).hostname;
}
