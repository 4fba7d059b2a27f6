import { OutboundRefusedError, type OutboundClient } from '../../core/net/outbound.js';

/** What one call's requests showed, for saying afterwards why it failed. */
export interface CallTrace {
  /** The status of the last answer (a 429 before a time-out reads as rate limited). */
  lastStatus?: number;
  /** The installation refused the address: no retry can help. */
  refused?: OutboundRefusedError;
}

/** The most an answer may hold: a long completion is a few hundred kilobytes. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * A `fetch` for the OpenAI client that goes through the guarded outbound client: the company's
 * base URL is checked like every company-set address, on every attempt and redirect. Bodies are
 * handed on as they arrive (a streamed answer), still within `timeoutMs` and the size limit.
 * Without a key, no Authorization header leaves (a local model that takes none).
 */
export function outboundFetch(
  outbound: OutboundClient,
  options: { timeoutMs: number; sendsKey: boolean; trace: CallTrace; onRefused(error: OutboundRefusedError): void },
): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    if (!options.sendsKey) delete headers.authorization;
    try {
      const response = await outbound.fetch(url, {
        method: init?.method ?? 'GET',
        headers,
        body: init?.body as string | undefined,
        signal: init?.signal ?? undefined,
        timeoutMs: options.timeoutMs,
        maxBytes: MAX_ANSWER_BYTES,
        stream: true,
      });
      options.trace.lastStatus = response.status;
      return response;
    } catch (error) {
      if (error instanceof OutboundRefusedError) {
        options.trace.refused = error;
        options.onRefused(error);
      }
      throw error;
    }
  };
}
