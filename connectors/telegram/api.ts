import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError, errorForNetwork } from '../../core/connector/errors.js';
import type { OutboundInit } from '../../core/net/outbound.js';
import type { TelegramConfig } from './connector.js';

type Ctx = Pick<ChannelContext<TelegramConfig>, 'config' | 'outbound'>;

/**
 * A request through the guarded client (the base URL is the company's), with a failure turned into
 * a ConnectorError (the URL, which holds the token, is never in it).
 */
const reach = (ctx: Ctx, url: string, init: OutboundInit) =>
  ctx.outbound.fetch(url, init).catch((error: unknown) => {
    throw errorForNetwork(error, 'Telegram');
  });

/** Parameters with a file go up as multipart/form-data (the file's name and type kept), the rest as JSON. */
function bodyOf(params: Record<string, unknown>): { body: string | FormData; headers: Record<string, string> } {
  if (!Object.values(params).some((value) => value instanceof Blob)) return { body: JSON.stringify(params), headers: { 'content-type': 'application/json' } };
  const form = new FormData();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) form.set(key, value instanceof Blob ? value : String(value));
  return { body: form, headers: {} };
}

type BotAnswer<T> = { ok?: boolean; result?: T; error_code?: number; description?: string; parameters?: { retry_after?: number } };

/** One Bot API call (`POST <base>/bot<token>/<method>`); a failure is a classified ConnectorError. An upload may take 2 minutes. */
export async function callBot<T>(
  ctx: Ctx,
  method: string,
  params: Record<string, unknown>,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<T> {
  const { config } = ctx;
  const { body, headers } = bodyOf(params);
  const timeoutMs = options.timeoutMs ?? (body instanceof FormData ? 120_000 : 30_000);
  const response = await reach(ctx, `${config.apiBaseUrl}/bot${config.botToken}/${method}`, {
    method: 'POST',
    headers,
    body,
    signal: options.signal,
    timeoutMs,
  });
  const answer = (await response.json().catch(() => ({}))) as BotAnswer<T>;
  if (answer.ok === true) return answer.result as T;
  throw telegramError(answer.error_code ?? response.status, answer.description ?? `HTTP ${response.status}`, answer.parameters?.retry_after);
}

/** What an agent and the outbound worker make of a Bot API error. */
export function telegramError(code: number, description: string, retryAfter?: number): ConnectorError {
  if (code === 429) return ConnectorError.retryable(`Telegram is rate-limiting the bot (retry after ${retryAfter ?? '?'} s)`, 429);
  if (code >= 500) return ConnectorError.retryable(`Telegram is unavailable: ${description}`, code);
  if (code === 403 && /blocked/i.test(description))
    return ConnectorError.permanent('The customer has blocked the bot: Telegram delivers nothing to them until they unblock it', 403);
  if (code === 401 || code === 404) return ConnectorError.permanent('Telegram did not accept the bot token: check the channel settings', code);
  return ConnectorError.permanent(`Telegram refused the message: ${description}`, code);
}

/**
 * Downloads a file by its file_id (getFile, then the file URL) into the attachment store.
 * Undefined when Telegram will not serve it (too large, or gone): the part keeps its file_id.
 */
export async function storeTelegramFile(
  ctx: ChannelContext<TelegramConfig>,
  file: { file_id: string; file_size?: number; file_name?: string; mime_type?: string },
  owner: string,
  fallbackName: string,
): Promise<string | undefined> {
  if ((file.file_size ?? 0) > ctx.config.maxFileBytes) return undefined;
  const info = await callBot<{ file_path?: string; file_size?: number }>(ctx, 'getFile', { file_id: file.file_id }).catch((error: unknown) => {
    if (error instanceof ConnectorError && error.retryable) throw error;
    ctx.logger.warn({ err: (error as Error).message }, 'Telegram will not serve a file; kept as a reference');
  });
  if (!info?.file_path || (info.file_size ?? 0) > ctx.config.maxFileBytes) return undefined;
  const response = await reach(ctx, `${ctx.config.apiBaseUrl}/file/bot${ctx.config.botToken}/${info.file_path}`, {
    timeoutMs: 60_000,
    maxBytes: ctx.config.maxFileBytes,
  });
  if (!response.ok) throw telegramError(response.status, `file download answered ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const name = file.file_name ?? info.file_path.split('/').pop() ?? fallbackName;
  return (await ctx.attachments.put({ owner, name, bytes, declaredType: file.mime_type, maxBytes: ctx.config.maxFileBytes })).id;
}
