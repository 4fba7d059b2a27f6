import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError, errorForNetwork } from '../../core/connector/errors.js';
import type { OutboundInit } from '../../core/net/outbound.js';
import type { WhatsAppConfig } from './connector.js';

type Ctx = Pick<ChannelContext<WhatsAppConfig>, 'config' | 'outbound'>;

/** Graph error codes a later try can pass (throttling, transient faults). */
const RETRYABLE = new Set([1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131056, 133004]);
/** What the agent is told for the errors they can act on. */
const EXPLAINED: Record<number, string> = {
  131047: 'More than 24 hours have passed since the customer last wrote: WhatsApp only delivers an approved template now',
  131026: 'WhatsApp could not deliver to this number (not on WhatsApp, an outdated app, or the terms not accepted)',
  131051: 'WhatsApp does not support this kind of message',
  131053: 'WhatsApp could not take the media (type or size not accepted)',
  131048: 'WhatsApp is limiting this number after spam reports; messages are blocked for now',
  132001: 'The template does not exist in that language',
  132000: 'The template parameters do not match the template',
  190: 'The WhatsApp access token has expired or is not valid: update it in the channel settings',
  368: 'The number is temporarily blocked for policy violations',
};

/** A request through the guarded client (the base URL and media URLs are not ours), failures as ConnectorErrors. */
const reach = (ctx: Ctx, url: string, init: OutboundInit) =>
  ctx.outbound.fetch(url, init).catch((error: unknown) => Promise.reject(errorForNetwork(error, 'WhatsApp')));

/** The words the agent reads for a Graph error code. */
export const describeFailure = (code: number | undefined, message: string) =>
  (code !== undefined && EXPLAINED[code]) || `WhatsApp refused the message: ${message}${code ? ` (${code})` : ''}`;

/** A Graph API error, classified by its code (its HTTP status says little). */
export function graphError(code: number | undefined, message: string, status = 400): ConnectorError {
  const retryable = (code !== undefined && RETRYABLE.has(code)) || status === 429 || status >= 500;
  return new ConnectorError(retryable ? `WhatsApp asks to try later: ${message}` : describeFailure(code, message), { retryable, code: code ?? status });
}

/** One Graph call with the channel's token; JSON in and out. */
export async function graph<T>(ctx: Ctx, path: string, init: { json?: unknown; form?: FormData } = {}): Promise<T> {
  const body = init.form ?? (init.json ? JSON.stringify(init.json) : undefined);
  const headers = { authorization: `Bearer ${ctx.config.accessToken}`, ...(init.json ? { 'content-type': 'application/json' } : {}) };
  const response = await reach(ctx, `${ctx.config.apiBaseUrl}/${ctx.config.apiVersion}/${path}`, {
    method: body ? 'POST' : 'GET',
    headers,
    body,
    timeoutMs: 60_000,
  });
  const answer = (await response.json().catch(() => ({}))) as { error?: { code?: number; message?: string; error_data?: { details?: string } } };
  if (response.ok) return answer as T;
  throw graphError(answer.error?.code, answer.error?.error_data?.details ?? answer.error?.message ?? `HTTP ${response.status}`, response.status);
}

/**
 * A media id → the attachment store: the media URL first, then the file, both with the token.
 * A file WhatsApp will not serve stays a reference; a transient failure makes Meta send again.
 */
export async function storeMedia(ctx: ChannelContext<WhatsAppConfig>, id: string, owner: string, name: string): Promise<string | undefined> {
  try {
    const info = await graph<{ url: string; mime_type: string; file_size?: number }>(ctx, encodeURIComponent(id));
    if ((info.file_size ?? 0) > ctx.config.maxFileBytes) return undefined;
    const response = await reach(ctx, info.url, {
      headers: { authorization: `Bearer ${ctx.config.accessToken}` },
      timeoutMs: 120_000,
      maxBytes: ctx.config.maxFileBytes,
    });
    if (!response.ok) throw graphError(undefined, `media download answered ${response.status}`, response.status);
    const bytes = Buffer.from(await response.arrayBuffer());
    return (await ctx.attachments.put({ owner, name, bytes, declaredType: info.mime_type, maxBytes: ctx.config.maxFileBytes })).id;
  } catch (error) {
    if (!(error instanceof ConnectorError) || error.retryable) throw error;
    ctx.logger.warn({ mediaId: id, err: error.message }, 'WhatsApp media not downloaded; kept as a reference');
    return undefined;
  }
}

type Template = { name: string; language: string; category: string; components: unknown[] };

/** The account's approved message templates, for the reply box outside the 24-hour window. */
export async function listTemplates(ctx: Ctx): Promise<Template[]> {
  if (!ctx.config.businessAccountId) throw ConnectorError.permanent('set the WhatsApp Business Account id to list templates', 'no_waba');
  return (
    await graph<{ data: Template[] }>(
      ctx,
      `${ctx.config.businessAccountId}/message_templates?status=APPROVED&limit=100&fields=name,language,status,category,components`,
    )
  ).data;
}
