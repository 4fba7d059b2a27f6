import { parse as parseLossless } from 'lossless-json';
import type { ChannelContext, SendReceipt } from '../../core/connector/define.js';
import { ConnectorError, errorForNetwork, errorForStatus } from '../../core/connector/errors.js';
import type { ContentPart, OutboundEnvelope } from '../../core/domain/messages.js';
import type { WeiboConfig } from './connector.js';
import { explainClosedWindow, replyWindow } from './window.js';

/** Weibo takes text replies under 300 characters. */
export const MAX_TEXT_CHARACTERS = 300;
/** Articles (图文) in one reply. */
export const MAX_ARTICLES = 8;

/** Weibo error codes a later try may get past: system busy, IP/user/API rate limits. */
const RETRYABLE_CODES = new Set(['10001', '10009', '10022', '10023', '10024']);
/** The access token is missing, expired or revoked: the admin must renew it. */
const TOKEN_CODES = new Set(['21301', '21314', '21315', '21316', '21317', '21319', '21327', '21332']);

type Reply =
  | { type: 'text'; data: { text: string } }
  | { type: 'articles'; data: { articles: Article[] } }
  | { type: 'position'; data: { longitude: string; latitude: string } };
interface Article {
  display_name: string;
  summary: string;
  image: string;
  url: string;
}

/**
 * The agent's parts as Weibo replies, checked before anything is sent: text within the length
 * limit (consecutive text parts joined), links as articles, a location as a position.
 */
export function repliesFor(parts: readonly ContentPart[]): Reply[] {
  const replies: Reply[] = [];
  for (const part of parts) {
    const previous = replies.at(-1);
    if (part.type === 'text') {
      if (previous?.type === 'text') previous.data.text += `\n${part.text}`;
      else replies.push({ type: 'text', data: { text: part.text } });
    } else if (part.type === 'link') {
      const article: Article = { display_name: part.title ?? part.url, summary: part.description ?? '', image: '', url: part.url };
      if (previous?.type === 'articles' && previous.data.articles.length < MAX_ARTICLES) previous.data.articles.push(article);
      else replies.push({ type: 'articles', data: { articles: [article] } });
    } else if (part.type === 'location') {
      replies.push({ type: 'position', data: { longitude: String(part.longitude), latitude: String(part.latitude) } });
    } else {
      throw ConnectorError.permanent(
        `Weibo's reply API cannot carry ${part.type === 'event' ? 'events' : `${part.type} files`}: send text, a link (shown as an article) or a location.`,
        'unsupported_content',
      );
    }
  }
  for (const reply of replies) {
    if (reply.type !== 'text') continue;
    const length = [...reply.data.text].length;
    if (length === 0) throw ConnectorError.permanent('The reply is empty.', 'empty_text');
    if (length > MAX_TEXT_CHARACTERS) {
      throw ConnectorError.permanent(
        `The reply has ${length} characters; Weibo accepts at most ${MAX_TEXT_CHARACTERS} per message. Shorten it or send it as several messages.`,
        'text_too_long',
      );
    }
  }
  if (replies.length === 0) throw ConnectorError.permanent('The reply has no content Weibo can carry.', 'empty_text');
  return replies;
}

/**
 * Replies through `POST /2/messages/reply.json` (form-encoded; `data` is JSON). The window and
 * the content are checked first, so what Weibo would refuse fails at once with a sentence the
 * agent can act on, and is never retried.
 */
export async function replyToFan(outbound: OutboundEnvelope, ctx: ChannelContext<WeiboConfig>): Promise<SendReceipt> {
  const fanId = outbound.recipient.externalId;
  if (!/^\d{1,20}$/.test(fanId)) throw ConnectorError.permanent(`"${fanId}" is not a Weibo uid`, 'bad_recipient');
  const replies = repliesFor(outbound.parts);
  const window = await replyWindow(ctx, fanId);
  if (!window.open) throw ConnectorError.permanent(explainClosedWindow(window, ctx.config.replyWindowHours), 'reply_window_closed');

  const ids: string[] = [];
  for (const reply of replies) ids.push(await postReply(ctx, fanId, reply));
  return { id: ids.join(',') };
}

async function postReply(ctx: ChannelContext<WeiboConfig>, fanId: string, reply: Reply): Promise<string> {
  const url = new URL('/2/messages/reply.json', ctx.config.apiBaseUrl);
  url.searchParams.set('access_token', ctx.config.accessToken);
  const form = new URLSearchParams({
    receiver_id: fanId,
    type: reply.type,
    data: JSON.stringify(reply.data),
    save_sender_box: ctx.config.saveToSenderBox ? '1' : '0',
  });
  let response: Response;
  let text: string;
  try {
    response = await ctx.outbound.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      timeoutMs: ctx.config.requestTimeoutMs,
    });
    text = await response.text();
  } catch (error) {
    throw errorForNetwork(error, 'Weibo');
  }
  let body: Record<string, unknown> | undefined;
  try {
    body = parseLossless(text, null, (digits) => digits) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const code = body?.error_code === undefined ? undefined : String(body.error_code);
  if (code !== undefined || !response.ok) {
    const detail = typeof body?.error === 'string' ? body.error : `HTTP ${response.status}`;
    if (code && TOKEN_CODES.has(code)) {
      throw ConnectorError.permanent(`Weibo refused the access token (${code} ${detail}); renew it in the channel settings.`, code);
    }
    if (code && RETRYABLE_CODES.has(code)) throw ConnectorError.retryable(`Weibo is busy or rate-limiting (${code} ${detail})`, code);
    if (!code) throw errorForStatus(response.status, 'Weibo');
    if (response.status >= 500) throw ConnectorError.retryable(`Weibo failed (${code} ${detail})`, code);
    throw ConnectorError.permanent(`Weibo refused the reply (${code} ${detail})`, code);
  }
  const id = body?.idstr ?? body?.id;
  return typeof id === 'string' && id ? id : `weibo:${fanId}:${Date.now()}`;
}
