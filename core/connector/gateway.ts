import { Hono, type Context as HonoContext } from 'hono';
import { fileAnswer } from '../attachments/serve.js';
import { readBody } from '../http/body.js';
import { errorAnswer } from '../http/error-answer.js';
import { NotFoundError } from '../errors.js';
import { checkQuery, checkTextBody } from '../http/strict-input.js';
import { acceptPayloads } from './accept.js';
import { cachedChannelContexts, type ConnectorDeps } from './channel-context.js';
import type { HookResponse, HttpRoute, RawRequest } from './define.js';

const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * Providers' webhooks: `/hooks/<channelId>/<route>`. For each request, in this order: find the
 * channel and its connector's route, read the body up to the route's limit (413 at the limit,
 * counted while it streams), let the connector verify the signature on the raw bytes, refuse
 * text PostgreSQL cannot store (invalid UTF-8, U+0000, lone surrogates, JSON nested too deep:
 * 400 naming the field), then parse, normalize, check, publish with a confirm, and only then
 * answer 2xx. A broker failure answers 503 so the provider sends again.
 */
export function createHooksApp(deps: ConnectorDeps, options: { channelCacheMs?: number } = {}): Hono {
  const app = new Hono();
  const channels = cachedChannelContexts(deps, options.channelCacheMs ?? deps.config.gatewayChannelCacheMs ?? 0);
  const handle = async (c: HonoContext) => {
    try {
      return await answerHook(deps, channels, c);
    } catch (error) {
      return hookError(deps, c, error);
    }
  };
  app.all('/hooks/:channelId', handle);
  app.all('/hooks/:channelId/*', handle);
  return app;
}

async function answerHook(deps: ConnectorDeps, channels: ReturnType<typeof cachedChannelContexts>, c: HonoContext): Promise<Response> {
  const channelId = c.req.param('channelId') ?? '';
  const found = await channels(channelId);
  const inbound = found?.connector.inbound;
  if (!found || inbound?.kind !== 'http') throw new NotFoundError('channel');
  const { connector, ctx } = found;
  const url = new URL(c.req.url);
  const prefix = `/hooks/${channelId}`;
  const path = url.pathname.slice(url.pathname.indexOf(prefix) + prefix.length) || '/';
  const candidates = inbound.routes.filter((r: HttpRoute<unknown>) => r.path === path);
  if (candidates.length === 0) throw new NotFoundError('route');
  const route = candidates.find((r: HttpRoute<unknown>) => r.method === c.req.method);
  if (!route) return c.json({ error: 'method_not_allowed', message: `use ${candidates.map((r: HttpRoute<unknown>) => r.method).join(', ')}` }, 405);

  const body = await readBody(c, route.maxBodyBytes ?? DEFAULT_MAX_BODY);

  const request: RawRequest = {
    method: c.req.method,
    path,
    headers: Object.fromEntries([...c.req.raw.headers].map(([k, v]) => [k.toLowerCase(), v])),
    query: Object.fromEntries(url.searchParams),
    body,
  };
  await route.verify(request, ctx);
  checkQuery(c.req.url);
  checkTextBody(request.headers['content-type'], body);
  const outcome = await route.handle(request, ctx);
  if ('response' in outcome) return respond(c, outcome.response);
  // Fetched by a company's own servers, never embedded in a page: no cache outside the caller.
  if ('file' in outcome) return fileAnswer(outcome.file.bytes, { name: outcome.file.name, embedders: 'same-origin', cacheControl: 'private, no-store' });
  const accepted = await acceptPayloads(connector, ctx, outcome.payloads);
  return respond(c, (await outcome.respond?.(accepted)) ?? { status: 200, body: { accepted: accepted.map((m) => m.externalId) } });
}

function respond(c: HonoContext, response: HookResponse): Response {
  const headers = new Headers(response.headers);
  if (response.body === undefined) return new Response(null, { status: response.status, headers });
  if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) {
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
    return new Response(response.body as string, { status: response.status, headers });
  }
  headers.set('content-type', 'application/json');
  const text = JSON.stringify(response.body);
  // Its length told, a small answer passes the compression step without being read back.
  headers.set('content-length', String(Buffer.byteLength(text)));
  return c.body(text, response.status as 200, Object.fromEntries(headers));
}

/** Providers decide whether to send again from the status alone: see core/http/error-answer.ts. */
function hookError(deps: ConnectorDeps, c: HonoContext, error: unknown): Response {
  return errorAnswer(error, c, { logger: deps.logger, what: 'webhook failed' });
}
