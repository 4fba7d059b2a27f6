import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch, FormData as UndiciFormData, Response, type RequestInit } from 'undici';
import { AddressPolicy, normalizeHost, type AllowEntry } from './addresses.js';

/**
 * Every request to a URL a company or a customer chose goes through here: webhooks, providers'
 * API base URLs, media in replies, the SSO issuer, mail servers. The host is resolved, every
 * address it resolves to is checked, and the connection goes to the address that was checked —
 * the check sits in the socket's own lookup, so a second answer from DNS (rebinding) and every
 * redirect hop pass the same check.
 */

/** Why a request to a company-set address did not happen or did not finish. */
export class OutboundError extends Error {
  constructor(
    readonly host: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundError';
  }
}

/** The address is one the installation keeps out of reach (or the scheme is not HTTP). */
export class OutboundRefusedError extends OutboundError {
  constructor(host: string, reason: string) {
    super(host, `${host} cannot be reached from this server: it ${reason}`);
    this.name = 'OutboundRefusedError';
  }
}

/**
 * The host could not be reached or did not answer in time or in size. One message for refused,
 * closed, timed-out and reset: the answer must not tell an open port from a closed one.
 */
export class OutboundFailedError extends OutboundError {
  constructor(host: string, cause?: unknown) {
    super(host, `${host} could not be reached`, { cause });
    this.name = 'OutboundFailedError';
  }
}

/** The answer was longer than the caller's limit: nothing of it is kept. */
export class OutboundTooLargeError extends OutboundError {
  constructor(
    host: string,
    readonly maxBytes: number,
  ) {
    super(host, `${host} answered with more than ${maxBytes} bytes`);
    this.name = 'OutboundTooLargeError';
  }
}

export interface OutboundInit extends Omit<RequestInit, 'redirect' | 'dispatcher' | 'body'> {
  body?: RequestInit['body'] | globalThis.FormData;
  /** The whole request, answer included (default 15 s). */
  timeoutMs?: number;
  /** The most the answer's body may hold (default 20 MB); a longer one fails. */
  maxBytes?: number;
  /** Follow redirects, each hop checked like the first (default: not followed; the 3xx is returned). */
  followRedirects?: boolean;
  /**
   * Hand the answer's body on as it arrives instead of reading it whole first (call recordings
   * run to hundreds of megabytes). `maxBytes` and `timeoutMs` still hold: past either, the
   * stream errors with OutboundTooLargeError or OutboundFailedError.
   */
  stream?: boolean;
}

export interface OutboundOptions {
  /** The operator's exceptions (OUTBOUND_ALLOW): self-hosted providers on the LAN, test fakes. */
  allow?: readonly AllowEntry[];
  /** How long connecting may take (default 10 s). */
  connectTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export class OutboundClient {
  readonly policy: AddressPolicy;
  private readonly agent: Agent;

  constructor(options: OutboundOptions = {}) {
    this.policy = new AddressPolicy(options.allow);
    const lookup = this.lookup;
    const connect = buildConnector({ lookup, timeout: options.connectTimeoutMs ?? 10_000 });
    const policy = this.policy;
    this.agent = new Agent({
      // A literal IP host is connected without a lookup, so it is checked here, for every
      // connection — redirect hops included.
      connect(opts, callback) {
        const host = normalizeHost(opts.hostname);
        const reason = isIP(host) ? policy.refusal(host) : undefined;
        if (reason) return callback(new OutboundRefusedError(host, reason), null);
        connect(opts, callback);
      },
    });
  }

  /**
   * A `dns.lookup` that answers only with permitted addresses; any forbidden one in the answer
   * refuses the whole name (a name that also points inside is not trusted).
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const host = normalizeHost(hostname);
    dnsLookup(host, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      if (!this.policy.allowsName(host)) {
        for (const { address } of addresses) {
          const reason = this.policy.refusal(address);
          if (reason) return callback(new OutboundRefusedError(host, reason), '', 0);
        }
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };

  /** Refuses what can be refused before connecting: a non-HTTP scheme, a forbidden literal address. */
  checkUrl(input: string | URL): URL {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new OutboundRefusedError(String(input).slice(0, 100), 'is not a valid URL');
    }
    const host = normalizeHost(url.hostname);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundRefusedError(host || url.protocol, 'is not an http or https address');
    if (url.username || url.password) throw new OutboundRefusedError(host, 'carries credentials in its address');
    const reason = isIP(host) ? this.policy.refusal(host) : undefined;
    if (reason) throw new OutboundRefusedError(host, reason);
    return url;
  }

  /**
   * Sends a request and reads its answer in full, within `maxBytes` and `timeoutMs`. Throws
   * OutboundRefusedError, OutboundFailedError or OutboundTooLargeError; any HTTP status is
   * returned to the caller. The answer is typed as the platform's Response, which it behaves as.
   */
  async fetch(input: string | URL, init: OutboundInit = {}): Promise<globalThis.Response> {
    const url = this.checkUrl(input);
    const host = normalizeHost(url.hostname);
    const { timeoutMs = DEFAULT_TIMEOUT_MS, maxBytes = DEFAULT_MAX_BYTES, followRedirects = false, stream = false, signal, body, ...rest } = init;
    const deadline = AbortSignal.timeout(timeoutMs);
    const abort = signal ? AbortSignal.any([signal as AbortSignal, deadline]) : deadline;
    try {
      const response = await undiciFetch(url, {
        ...rest,
        body: body instanceof globalThis.FormData && !(body instanceof UndiciFormData) ? copyForm(body) : (body as RequestInit['body']),
        signal: abort,
        redirect: followRedirects ? 'follow' : 'manual',
        dispatcher: this.agent,
      });
      const declared = Number(response.headers.get('content-length'));
      if (declared > maxBytes) {
        await response.body?.cancel().catch(() => {});
        throw new OutboundTooLargeError(host, maxBytes);
      }
      const status = response.status;
      // A body is not allowed with these statuses; a redirect not followed keeps its Location.
      const nullBody = status === 204 || status === 205 || status === 304;
      let answer: Buffer | ReadableStream<Uint8Array> | null = null;
      if (nullBody) await response.body?.cancel().catch(() => {});
      else if (!stream) answer = await readAtMost(response, maxBytes, host);
      else if (response.body) answer = cappedStream(response.body as unknown as ReadableStream<Uint8Array>, maxBytes, host, signal as AbortSignal | undefined);
      return new Response(answer, { status, statusText: response.statusText, headers: response.headers }) as unknown as globalThis.Response;
    } catch (error) {
      throw asOutboundError(error, host, signal as AbortSignal | undefined);
    }
  }

  /**
   * For a client that opens its own socket (IMAP, SMTP): resolves `host`, checks every address,
   * and gives the one to connect to; the name stays for TLS (servername) and certificates.
   */
  async resolve(host: string): Promise<{ address: string; servername: string }> {
    const name = normalizeHost(host);
    if (isIP(name)) {
      const reason = this.policy.refusal(name);
      if (reason) throw new OutboundRefusedError(name, reason);
      return { address: name, servername: name };
    }
    const address = await new Promise<string>((resolve, reject) =>
      this.lookup(name, { all: false }, (error, found) => (error ? reject(error) : resolve(String(found)))),
    ).catch((error: unknown) => {
      throw asOutboundError(error, name);
    });
    return { address, servername: name };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function copyForm(form: globalThis.FormData): UndiciFormData {
  const copy = new UndiciFormData();
  for (const [key, value] of form) copy.append(key, value as string | Blob);
  return copy;
}

async function readAtMost(response: Response, maxBytes: number, host: string): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await response.body.cancel().catch(() => {});
      throw new OutboundTooLargeError(host, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The body as it arrives, cut off with OutboundTooLargeError past `maxBytes`; network errors read as ours. */
function cappedStream(body: ReadableStream<Uint8Array>, maxBytes: number, host: string, callerSignal?: AbortSignal): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let size = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await reader.read();
        if (next.done) return controller.close();
        size += next.value.byteLength;
        if (size > maxBytes) {
          await reader.cancel().catch(() => {});
          return controller.error(new OutboundTooLargeError(host, maxBytes));
        }
        controller.enqueue(next.value);
      } catch (error) {
        controller.error(asOutboundError(error, host, callerSignal));
      }
    },
    cancel(reason) {
      return reader.cancel(reason).catch(() => {});
    },
  });
}

/** Finds our refusal under undici's wrapping; everything else (refused, reset, timed out) is one failure. */
function asOutboundError(error: unknown, host: string, callerSignal?: AbortSignal): Error {
  if (callerSignal?.aborted && !(error instanceof OutboundError)) return error as Error;
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundError) return e;
  }
  return new OutboundFailedError(host, error);
}
