import { createHash, randomUUID } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns';
import { ZodError } from 'zod';
import type { AnyConnector, ChannelContext, ConnectorLogger, HookResponse, LogFn, Outbound, RawRequest, StoredFile } from '../define.js';
import { secretFields } from '../define.js';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.js';
import { checkInboundMessage, type InboundEnvelope, type InboundMessage } from '../messages.js';
import { findUnstorableText } from '../storable-text.js';

/**
 * The world a conformance check runs in: one connector, one channel, the webhook entry and what
 * reached the bus. The SDK's own (`openMemoryHost`) keeps everything in memory; a platform can
 * bring its real one.
 */
export interface Harness {
  channel: { id: string; type: string };
  tenantId: string;
  /** Envelopes the bus took, in order: exactly what a 2xx promised. */
  published: InboundEnvelope[];
  /** Every log line so far, to look for secrets in. */
  logs(): string;
  /** A request to the installation, e.g. `/hooks/<channelId>/` for a webhook. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** The channel's context, as the platform builds it, for calling normalize and send directly. */
  context(): Promise<ChannelContext<any>>;
  /** A pull loop's hand-over: normalizes, checks and publishes; rejects with ValidationError for a bad payload. */
  accept(payloads: unknown[]): Promise<InboundMessage[]>;
  /** What the platform shows an admin of the channel (its settings, secrets as `{ set }`). */
  views(): Promise<unknown>;
  close(): Promise<void>;
}

/** The SDK's in-memory platform, with what a test may look at beyond the Harness. */
export interface MemoryHost extends Harness {
  /** The connector's state for the channel (`ctx.state`), by key. */
  state: Map<string, unknown>;
  /** Files the connector stored (`ctx.attachments.put`), by id. */
  files: Map<string, { file: StoredFile & { channelId: string; owner: string }; bytes: Buffer }>;
  /** Replies the connector reported failed after sending (`ctx.deliveries.failed`). */
  failedDeliveries: { providerMessageId: string; reason: string }[];
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const TENANT = '00000000-0000-4000-8000-00000000c0de';

/**
 * Runs a connector the way Switchboard's gateway does, in memory: for `/hooks/<channelId><path>`
 * it finds the route, refuses a body past its limit (413), calls `verify` on the raw bytes (401,
 * 403), refuses text that cannot be stored (400), calls `handle`, normalizes and checks every
 * payload (400 naming the field), "publishes" them and only then answers 2xx. The outbound client
 * allows every address, since a test's fake provider listens on loopback.
 */
export async function openMemoryHost(connector: AnyConnector, settings: Record<string, unknown>): Promise<MemoryHost> {
  const channel = { id: randomUUID(), tenantId: TENANT, type: connector.type, name: 'Conformance', publicKey: null };
  let logText = '';
  const config = connector.config.parse(settings);
  const published: InboundEnvelope[] = [];
  const state = new Map<string, unknown>();
  const files: MemoryHost['files'] = new Map();
  const failedDeliveries: MemoryHost['failedDeliveries'] = [];
  const ctx: ChannelContext<unknown> = {
    channel,
    config,
    logger: memoryLogger((line) => (logText += `${line}\n`), { channelId: channel.id, channelType: channel.type }),
    publicUrl: 'http://switchboard.test',
    outbound: openOutbound,
    attachments: {
      put: async (options) => {
        if (options.maxBytes !== undefined && options.bytes.length > options.maxBytes)
          throw new ValidationError(`the file is larger than ${options.maxBytes} bytes`, [{ field: 'file', message: 'too large' }]);
        const existing = options.key ? [...files.values()].find((f) => (f.file as { key?: string }).key === options.key) : undefined;
        if (existing) return existing.file;
        const file = {
          id: randomUUID(),
          name: options.name,
          mimeType: options.declaredType ?? 'application/octet-stream',
          size: options.bytes.length,
          sha256: createHash('sha256').update(options.bytes).digest('hex'),
          channelId: channel.id,
          owner: options.owner,
          ...(options.key ? { key: options.key } : {}),
        };
        files.set(file.id, { file, bytes: options.bytes });
        return file;
      },
      read: async (id) => {
        const found = files.get(id);
        if (!found) throw new NotFoundError('attachment');
        return found;
      },
    },
    state: {
      get: async <T>(key: string) => (state.has(key) ? (JSON.parse(JSON.stringify(state.get(key))) as T) : undefined),
      set: async (key, value) => void state.set(key, JSON.parse(JSON.stringify(value ?? null))),
      delete: async (key) => void state.delete(key),
    },
    deliveries: {
      failed: async (providerMessageId, reason) => {
        failedDeliveries.push({ providerMessageId, reason });
        return true;
      },
    },
  };

  const accept = async (payloads: readonly unknown[]): Promise<InboundMessage[]> => {
    const messages: InboundMessage[] = [];
    for (const payload of payloads) {
      let normalized: InboundMessage | InboundMessage[];
      try {
        normalized = await connector.normalize(payload, ctx);
      } catch (error) {
        if (error instanceof ZodError)
          throw new ValidationError(
            'the payload is invalid',
            error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
          );
        throw error;
      }
      for (const message of Array.isArray(normalized) ? normalized : [normalized]) messages.push(checkInboundMessage(message));
    }
    const receivedAt = new Date().toISOString();
    for (const message of messages)
      published.push(
        JSON.parse(JSON.stringify({ version: 1, tenantId: channel.tenantId, channelId: channel.id, channelType: channel.type, receivedAt, message })),
      );
    return messages;
  };

  const hook = async (url: URL, init: RequestInit): Promise<Response> => {
    const prefix = `/hooks/${channel.id}`;
    const inbound = connector.inbound;
    if (!url.pathname.startsWith(prefix) || inbound?.kind !== 'http') throw new NotFoundError('channel');
    const path = url.pathname.slice(prefix.length) || '/';
    const method = (init.method ?? 'GET').toUpperCase();
    const route = inbound.routes.find((r) => r.path === path && r.method === method);
    if (!route) throw new NotFoundError('route');
    const body = Buffer.from(await new Response(init.body ?? null).arrayBuffer());
    const limit = route.maxBodyBytes ?? DEFAULT_MAX_BODY;
    if (body.length > limit) return json(413, { error: 'too_large', message: `the body exceeds ${limit} bytes` });
    const request: RawRequest = {
      method,
      path,
      headers: Object.fromEntries([...new Headers(init.headers)].map(([k, v]) => [k.toLowerCase(), v])),
      query: Object.fromEntries(url.searchParams),
      body,
    };
    await route.verify(request, ctx);
    checkText(request.headers['content-type'], body);
    const outcome = await route.handle(request, ctx);
    if ('response' in outcome) return answer(outcome.response);
    if ('file' in outcome)
      return new Response(outcome.file.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'content-type': 'application/octet-stream' } });
    const accepted = await accept(outcome.payloads);
    return answer((await outcome.respond?.(accepted)) ?? { status: 200, body: { accepted: accepted.map((m) => m.externalId) } });
  };

  return {
    channel,
    tenantId: channel.tenantId,
    published,
    state,
    files,
    failedDeliveries,
    logs: () => logText,
    context: async () => ctx,
    accept,
    views: async () => ({
      id: channel.id,
      type: channel.type,
      name: channel.name,
      config: Object.fromEntries(Object.entries(settings).filter(([name]) => !secretFields(connector).includes(name))),
      secrets: Object.fromEntries(secretFields(connector).map((name) => [name, { set: settings[name] !== undefined }])),
    }),
    request: async (path, init = {}) => {
      try {
        return await hook(new URL(path, 'http://switchboard.test'), init);
      } catch (error) {
        if (error instanceof ZodError) return json(400, { error: 'invalid_request', message: 'the request is invalid' });
        if (error instanceof ValidationError) return json(400, { error: 'invalid_request', message: error.message, issues: error.issues });
        if (error instanceof UnauthorizedError) return json(401, { error: 'unauthorized', message: error.message });
        if (error instanceof ForbiddenError) return json(403, { error: 'forbidden', message: error.message });
        if (error instanceof NotFoundError) return json(404, { error: 'not_found', message: error.message });
        logText += `${JSON.stringify({ level: 'error', msg: 'webhook failed', err: error instanceof Error ? error.message : String(error) })}\n`;
        return json(500, { error: 'internal', message: 'internal error' });
      }
    },
    close: async () => {},
  };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function answer(response: HookResponse): Response {
  const headers = new Headers(response.headers);
  if (response.body === undefined) return new Response(null, { status: response.status, headers });
  if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) {
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
    return new Response(response.body as string, { status: response.status, headers });
  }
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(response.body), { status: response.status, headers });
}

/** What the platform refuses before `handle`: a body that is not UTF-8 (unless it names another charset) or JSON with text PostgreSQL cannot store. */
function checkText(contentType: string | undefined, body: Buffer): void {
  const charset = /charset=([^;\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') return;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ValidationError('the body is not UTF-8', [{ field: 'body', message: 'not UTF-8' }]);
  }
  if (!/json/i.test(contentType ?? '')) return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return; // handle() says what is wrong with it
  }
  const problem = findUnstorableText(value);
  if (problem) throw new ValidationError(`${problem.field} ${problem.message}`, [problem]);
}

function memoryLogger(write: (line: string) => void, bindings: Record<string, unknown>): ConnectorLogger {
  const at =
    (level: string): LogFn =>
    (first: object | string, message?: string) =>
      write(JSON.stringify(typeof first === 'string' ? { level, ...bindings, msg: first } : { level, ...bindings, ...first, msg: message }));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (more) => memoryLogger(write, { ...bindings, ...more }) };
}

/** Allows every address (a test's fakes are on loopback) but keeps the client's limits. */
const openOutbound: Outbound = {
  fetch: async (input, init = {}) => {
    const { timeoutMs = 15_000, maxBytes = 20 * 1024 * 1024, followRedirects = false, ...rest } = init;
    const response = await fetch(input, {
      ...(rest as RequestInit),
      redirect: followRedirects ? 'follow' : 'manual',
      signal: rest.signal ?? AbortSignal.timeout(timeoutMs),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw Object.assign(new Error(`the answer is over ${maxBytes} bytes`), { name: 'OutboundTooLargeError', maxBytes });
    return new Response(bytes.length ? bytes : null, { status: response.status, statusText: response.statusText, headers: response.headers });
  },
  checkUrl: (input) => new URL(input),
  lookup: dnsLookup as Outbound['lookup'],
  resolve: async (host) =>
    new Promise((resolve, reject) => dnsLookup(host, (error, address) => (error ? reject(error) : resolve({ address, servername: host })))),
};
