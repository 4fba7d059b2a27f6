import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError, errorForNetwork } from '../../core/connector/errors.js';
import type { WhatsAppConfig } from './connector.js';

type Ctx = Pick<ChannelContext<WhatsAppConfig>, 'config'>;

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

const reach = (url: string, init: RequestInit) =>
  fetch(url, init).catch((error: unknown) => {
    throw errorForNetwork(error, 'WhatsApp');
  });

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
  const response = await reach(`${ctx.config.apiBaseUrl}/${ctx.config.apiVersion}/${path}`, {
    method: init.json || init.form ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${ctx.config.accessToken}`, ...(init.json ? { 'content-type': 'application/json' } : {}) },
    body: init.form ?? (init.json ? JSON.stringify(init.json) : undefined),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: number; message?: string; error_data?: { details?: string } } };
  if (response.ok) return body as T;
  throw graphError(body.error?.code, body.error?.error_data?.details ?? body.error?.message ?? `HTTP ${response.status}`, response.status);
}

/** A media id → its bytes: the media URL first, then the file, both with the token. */
export async function downloadMedia(ctx: Ctx, id: string): Promise<{ bytes: Buffer; mimeType: string } | undefined> {
  const info = await graph<{ url: string; mime_type: string; file_size?: number }>(ctx, encodeURIComponent(id));
  if ((info.file_size ?? 0) > ctx.config.maxFileBytes) return undefined;
  const response = await reach(info.url, { headers: { authorization: `Bearer ${ctx.config.accessToken}` }, signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw graphError(undefined, `media download answered ${response.status}`, response.status);
  return { bytes: Buffer.from(await response.arrayBuffer()), mimeType: info.mime_type };
}

type Template = { name: string; language: string; category: string; components: unknown[] };

/** The account's approved message templates, for the reply box outside the 24-hour window. */
export async function listTemplates(ctx: Ctx): Promise<Template[]> {
  if (!ctx.config.businessAccountId) throw ConnectorError.permanent('set the WhatsApp Business Account id to list templates', 'no_waba');
  const fields = 'name,language,status,category,components';
  return (await graph<{ data: Template[] }>(ctx, `${ctx.config.businessAccountId}/message_templates?status=APPROVED&limit=100&fields=${fields}`)).data;
}
