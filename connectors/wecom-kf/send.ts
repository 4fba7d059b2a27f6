import type { ChannelContext, SendReceipt } from '../../core/connector/define.js';
import { ConnectorError, errorForNetwork, errorForStatus } from '../../core/connector/errors.js';
import type { ContentPart, OutboundEnvelope } from '../../core/domain/messages.js';
import { callWecom, uploadWecomMedia } from './api.js';
import type { WecomKfConfig } from './connector.js';
import { claimForReply, SESSION_STATE_INVALID } from './session.js';

type Ctx = ChannelContext<WecomKfConfig>;
type MediaPart = Extract<ContentPart, { attachmentId?: string }>;

/** WeCom's limits for temporary media: images up to 10 MB, files up to 20 MB. */
const LIMITS = { image: 10 * 1024 * 1024, file: 20 * 1024 * 1024 };
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/bmp'];

/** The file behind a part: from the attachment store, or fetched from the URL an agent gave. */
async function fileOf(ctx: Ctx, part: MediaPart): Promise<{ name: string; mimeType: string; bytes: Buffer }> {
  if (part.attachmentId) {
    const { file, bytes } = await ctx.attachments.read(part.attachmentId);
    return { name: file.name, mimeType: file.mimeType, bytes };
  }
  if (!part.url || !/^https?:\/\//i.test(part.url)) throw ConnectorError.permanent('the file has nothing to send', 'no_file');
  let response: Response;
  try {
    // The agent's URL: every hop checked, and no more read than WeCom would take.
    response = await ctx.outbound.fetch(part.url, { followRedirects: true, timeoutMs: ctx.config.requestTimeoutMs, maxBytes: LIMITS.file });
  } catch (error) {
    throw errorForNetwork(error, 'the file host');
  }
  if (!response.ok) throw errorForStatus(response.status, 'the file host');
  const mimeType = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
  return { name: part.name ?? 'file', mimeType, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** The send_msg body for one part; images and files are uploaded first. */
async function messageFor(ctx: Ctx, part: ContentPart): Promise<Record<string, unknown>> {
  if (part.type === 'text') return { msgtype: 'text', text: { content: part.text } };
  if (part.type === 'image' || part.type === 'file') {
    const file = await fileOf(ctx, part);
    if (part.type === 'image' && !IMAGE_TYPES.includes(file.mimeType))
      throw ConnectorError.permanent(`WeCom sends JPEG, PNG, GIF or BMP images, not ${file.mimeType}`, 'unsupported');
    if (file.bytes.length > LIMITS[part.type])
      throw ConnectorError.permanent(`WeCom sends ${part.type}s up to ${LIMITS[part.type] / 1024 / 1024} MB`, 'too_large');
    const mediaId = await uploadWecomMedia(ctx, part.type, file);
    return { msgtype: part.type, [part.type]: { media_id: mediaId } };
  }
  throw ConnectorError.permanent(`WeCom customer service is set up here to send text, images and files, not ${part.type}`, 'unsupported');
}

/**
 * An agent's reply → send_msg on the customer-service account the customer wrote to (the
 * conversation's thread), one message per part. Our msgid goes with each, so a retried delivery
 * is not sent twice. WeCom takes API messages only in a new session or one served through the
 * API (95018 otherwise), and 5 within 48 hours of the customer's last message (95001).
 */
export async function sendKfMessage(outbound: OutboundEnvelope, ctx: Ctx): Promise<SendReceipt> {
  const openKfId = outbound.threadKey || ctx.config.openKfId;
  if (!openKfId) throw ConnectorError.permanent('the conversation names no customer-service account to answer from', 'no_account');
  const parts = outbound.parts.filter((p) => p.type !== 'event');
  if (parts.length === 0) throw ConnectorError.permanent('nothing to send', 'empty');
  let id = '';
  for (const [index, part] of parts.entries()) {
    const msgid = `sb${outbound.messageId}_${index}`.replace(/[^0-9a-zA-Z_-]/g, '').slice(0, 32);
    const body = await messageFor(ctx, part);
    const request = { touser: outbound.recipient.externalId, open_kfid: openKfId, msgid, ...body };
    const answer = await callWecom(ctx, '/cgi-bin/kf/send_msg', request, 'send_msg').catch(async (error: unknown) => {
      if (!(error instanceof ConnectorError) || error.code !== SESSION_STATE_INVALID) throw error;
      // The session is not in a state that takes API messages: claim a new one, or say where the customer is.
      await claimForReply(ctx, openKfId, outbound.recipient.externalId);
      return callWecom(ctx, '/cgi-bin/kf/send_msg', request, 'send_msg');
    });
    id = typeof answer.msgid === 'string' ? answer.msgid : msgid;
  }
  return { id };
}
