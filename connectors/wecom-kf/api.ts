import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError, errorForNetwork, errorForStatus } from '../../core/connector/errors.js';
import type { WecomKfConfig } from './connector.js';

type Ctx = Pick<ChannelContext<WecomKfConfig>, 'platform' | 'channel' | 'config' | 'logger' | 'outbound'>;

const TOKEN_ERRCODES = new Set([40014, 42001]);

/** What an errcode means for the message. */
export function errorForErrcode(errcode: number, errmsg: string, what: string): ConnectorError {
  if (errcode === -1 || errcode === 45009 || errcode === 45033) return ConnectorError.retryable(`WeCom is busy or rate-limited (${what}): ${errmsg}`, errcode);
  // 95001: WeCom allows 5 messages within 48 hours of the customer's last message.
  if (errcode === 95001)
    return ConnectorError.permanent(
      `window closed or reply limit reached: WeCom allows 5 replies within 48 hours of the customer’s last message; the customer must write first (${errmsg})`,
      errcode,
    );
  // 95018: the session's state does not allow a message from the API (see session.ts).
  if (errcode === 95018) return ConnectorError.permanent(`WeCom refused the reply: the session’s state does not allow it (${errmsg})`, errcode);
  if (errcode === 40001 || errcode === 40013) return ConnectorError.permanent('the CorpID or customer-service Secret is wrong', errcode);
  if (errcode === 60020) return ConnectorError.permanent('this server’s IP address is not trusted by the WeCom app', errcode);
  return ConnectorError.permanent(`WeCom refused ${what}: ${errcode} ${errmsg}`, errcode);
}

/** A request body: JSON, or a multipart form (an upload), built anew for each attempt. */
type Body = unknown | { form: () => FormData };

async function send(ctx: Ctx, path: string, query: Record<string, string>, body: Body, what: string): Promise<Response> {
  const url = new URL(path, ctx.config.apiBaseUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const isForm = typeof body === 'object' && body !== null && 'form' in body && typeof body.form === 'function';
  let response: Response;
  try {
    response = await ctx.outbound.fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined || isForm ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : isForm ? (body as { form: () => FormData }).form() : JSON.stringify(body),
      timeoutMs: ctx.config.requestTimeoutMs,
    });
  } catch (error) {
    throw errorForNetwork(error, `WeCom (${what})`);
  }
  // A redirect is not followed: it fails here like any other answer that is not 2xx.
  if (!response.ok) {
    throw errorForStatus(response.status, `WeCom (${what})`);
  }
  return response;
}

async function readJson(response: Response, what: string): Promise<Record<string, unknown>> {
  const body: unknown = await response.json().catch(() => undefined);
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw ConnectorError.retryable(`WeCom answered ${what} with something that is not JSON`, 'bad_answer');
  return body as Record<string, unknown>;
}

async function request(ctx: Ctx, path: string, query: Record<string, string>, body: Body, what: string): Promise<Record<string, unknown>> {
  return readJson(await send(ctx, path, query, body, what), what);
}

/** The channel's access token, one for the cluster (ctx.platform.accessToken), replaced when WeCom refuses it. */
async function accessToken(ctx: Ctx, refused?: string): Promise<string> {
  let fetched: { expiresInSeconds: number } | undefined;
  const token = await ctx.platform.accessToken(async () => {
    const what = 'the access token request';
    const body = await request(ctx, '/cgi-bin/gettoken', { corpid: ctx.config.corpId, corpsecret: ctx.config.secret }, undefined, what);
    const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
    if (errcode !== 0) throw errorForErrcode(errcode, String(body.errmsg ?? ''), what);
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number')
      throw ConnectorError.retryable('WeCom answered without a token', 'bad_answer');
    fetched = { expiresInSeconds: body.expires_in };
    return { token: body.access_token, expiresInSeconds: body.expires_in };
  }, refused);
  if (fetched) ctx.logger.info({ expiresIn: fetched.expiresInSeconds }, 'WeCom access token refreshed');
  return token;
}

/** One WeCom API call with the channel's token; a token WeCom refuses is replaced once and the call made again. */
export async function callWecom(ctx: Ctx, path: string, json: Body, what: string, query: Record<string, string> = {}): Promise<Record<string, unknown>> {
  let token = await accessToken(ctx);
  for (let attempt = 0; ; attempt++) {
    const body = await request(ctx, path, { ...query, access_token: token }, json, what);
    const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
    if (errcode === 0) return body;
    if (TOKEN_ERRCODES.has(errcode) && attempt === 0) {
      token = await accessToken(ctx, token);
      continue;
    }
    throw errorForErrcode(errcode, String(body.errmsg ?? ''), what);
  }
}

/**
 * A file by media_id (media/get): the bytes and their type, or the errcode WeCom answered with
 * (as JSON) turned into a ConnectorError.
 */
export async function downloadWecomMedia(ctx: Ctx, mediaId: string, maxBytes: number): Promise<{ bytes: Buffer; mimeType: string; name?: string }> {
  const what = 'the media download';
  let token = await accessToken(ctx);
  for (let attempt = 0; ; attempt++) {
    const response = await send(ctx, '/cgi-bin/media/get', { access_token: token, media_id: mediaId }, undefined, what);
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json' || type === 'text/plain') {
      const body = await readJson(response, what);
      const errcode = typeof body.errcode === 'number' ? body.errcode : -1;
      if (TOKEN_ERRCODES.has(errcode) && attempt === 0) {
        token = await accessToken(ctx, token);
        continue;
      }
      throw errorForErrcode(errcode, String(body.errmsg ?? ''), what);
    }
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw ConnectorError.permanent(`the file is larger than ${maxBytes} bytes`, 'too_large');
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw ConnectorError.permanent(`the file is larger than ${maxBytes} bytes`, 'too_large');
    const name = /filename="?([^";]+)"?/i.exec(response.headers.get('content-disposition') ?? '')?.[1];
    return { bytes, mimeType: type || 'application/octet-stream', name };
  }
}

/** Uploads a file as temporary media (3 days) for send_msg; returns its media_id. */
export async function uploadWecomMedia(
  ctx: Ctx,
  type: 'image' | 'voice' | 'video' | 'file',
  file: { name: string; mimeType: string; bytes: Buffer },
): Promise<string> {
  const form = () => {
    const data = new FormData();
    data.set('media', new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), file.name);
    return data;
  };
  const answer = await callWecom(ctx, '/cgi-bin/media/upload', { form }, 'the media upload', { type });
  if (typeof answer.media_id !== 'string') throw ConnectorError.retryable('WeCom answered the upload without a media_id', 'bad_answer');
  return answer.media_id;
}
