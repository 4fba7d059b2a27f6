import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError, errorForNetwork, errorForStatus } from '../../core/connector/errors.js';
import type { OutboundClient } from '../../core/net/outbound.js';
import type { WechatOaConfig } from './connector.js';
import { accessToken, refreshAccessToken } from './token.js';

/** An answer of the WeChat API that carried a non-zero errcode. */
export interface WechatApiFailure {
  errcode: number;
  errmsg: string;
}

/** errcodes that mean the access token is no longer good: fetch a new one and try once more. */
export const TOKEN_ERRCODES = new Set([40001, 40014, 42001]);

export const WINDOW_CLOSED = 'window closed: the customer must write first';
export const QUOTA_REACHED = 'reply limit reached: the customer must write again before more replies can be sent';

/** What an errcode means for the message: a later try may pass, or it will not. */
export function errorForErrcode(failure: WechatApiFailure, what: string): ConnectorError {
  const { errcode, errmsg } = failure;
  switch (errcode) {
    case -1:
      return ConnectorError.retryable(`WeChat is busy (${what}): ${errmsg}`, errcode);
    case 45009:
    case 45011:
      return ConnectorError.retryable(`WeChat's API limit is reached (${what}); it will be tried again later`, errcode);
    case 45015:
      return ConnectorError.permanent(WINDOW_CLOSED, errcode);
    case 45047:
      return ConnectorError.permanent(QUOTA_REACHED, errcode);
    case 43004:
      return ConnectorError.permanent('the customer no longer follows the account', errcode);
    case 40003:
      return ConnectorError.permanent('the customer is not known to this account (invalid OpenID)', errcode);
    case 40164:
      return ConnectorError.permanent('this server’s IP address is not on the account’s IP whitelist', errcode);
    case 48001:
      return ConnectorError.permanent('the account is not allowed to use this API (not verified?)', errcode);
    case 40125:
    case 40013:
      return ConnectorError.permanent('the AppID or AppSecret is wrong', errcode);
    default:
      return ConnectorError.permanent(`WeChat refused ${what}: ${errcode} ${errmsg}`, errcode);
  }
}

export interface ApiCall {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  form?: FormData;
  /** The most the answer may hold (a media download); the client's default otherwise. */
  maxBytes?: number;
}

/** The raw answer of one request, after network and HTTP status were checked. */
export async function wechatFetch(
  ctx: { config: Pick<WechatOaConfig, 'apiBaseUrl' | 'requestTimeoutMs'>; outbound: OutboundClient },
  call: ApiCall,
  what: string,
): Promise<Response> {
  const { config } = ctx;
  const url = new URL(call.path, config.apiBaseUrl);
  for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, v);
  let response: Response;
  try {
    response = await ctx.outbound.fetch(url, {
      method: call.method,
      headers: call.json === undefined ? undefined : { 'content-type': 'application/json' },
      // WeChat wants the characters themselves, not \u escapes; JSON.stringify already writes them so.
      body: call.json !== undefined ? JSON.stringify(call.json) : call.form,
      timeoutMs: config.requestTimeoutMs,
      maxBytes: call.maxBytes,
    });
  } catch (error) {
    throw errorForNetwork(error, `WeChat (${what})`);
  }
  if (!response.ok) {
    // A redirect is not followed, so it fails here like any other answer that is not 2xx.
    throw errorForStatus(response.status, `WeChat (${what})`);
  }
  return response;
}

export async function readJson(response: Response, what: string): Promise<Record<string, unknown>> {
  try {
    const value: unknown = await response.json();
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw ConnectorError.retryable(`WeChat answered ${what} with something that is not JSON`, 'bad_answer');
}

export function failureOf(body: Record<string, unknown>): WechatApiFailure | undefined {
  const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
  return errcode === 0 ? undefined : { errcode, errmsg: String(body.errmsg ?? '') };
}

/**
 * One call with the channel's access token: a token WeChat calls invalid or expired is replaced
 * (once for the whole cluster) and the call made again, once.
 */
export async function callWithToken(
  ctx: ChannelContext<WechatOaConfig>,
  call: ApiCall | ((token: string) => ApiCall),
  what: string,
  read: (response: Response) => Promise<Record<string, unknown> | { binary: Response }> = (r) => readJson(r, what),
): Promise<Record<string, unknown> | { binary: Response }> {
  let token = await accessToken(ctx);
  for (let attempt = 0; ; attempt++) {
    const request = typeof call === 'function' ? call(token) : call;
    const response = await wechatFetch(ctx, { ...request, query: { ...request.query, access_token: token } }, what);
    const body = await read(response);
    const failure = 'binary' in body ? undefined : failureOf(body);
    if (!failure) return body;
    if (TOKEN_ERRCODES.has(failure.errcode) && attempt === 0) {
      ctx.logger.info({ errcode: failure.errcode }, 'WeChat refused the access token; replacing it');
      token = await refreshAccessToken(ctx, token);
      continue;
    }
    throw errorForErrcode(failure, what);
  }
}
