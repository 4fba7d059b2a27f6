import { z } from 'zod';
import type { ChannelContext } from '../../core/connector/define.js';
import type { ContentPart, InboundMessage } from '../../core/domain/messages.js';
import type { WechatOaConfig } from './connector.js';
import { downloadMedia } from './media.js';

type MediaPart = Extract<ContentPart, { attachmentId?: string }>;

const MEDIA_TIMEOUT_MS = 3000;

const text = z.string().max(20_000);
const digits = z.string().regex(/^\d{1,20}$/);
const coordinate = z
  .string()
  .regex(/^-?\d{1,3}(\.\d+)?$/)
  .transform(Number);

/** The fields every pushed message has. Values stay strings: MsgId does not fit a JS number. */
const base = z.object({
  ToUserName: z.string().min(1).max(64),
  FromUserName: z.string().min(1).max(128),
  CreateTime: digits,
  MsgType: z.string().min(1).max(40),
});

const message = base.extend({ MsgId: digits });

const schemas = {
  text: message.extend({ Content: text }),
  image: message.extend({ PicUrl: z.string().max(2000).optional(), MediaId: z.string().min(1).max(200) }),
  voice: message.extend({ MediaId: z.string().min(1).max(200), Format: z.string().max(20).optional(), Recognition: text.optional() }),
  video: message.extend({ MediaId: z.string().min(1).max(200), ThumbMediaId: z.string().max(200).optional() }),
  location: message.extend({ Location_X: coordinate, Location_Y: coordinate, Scale: z.string().max(10).optional(), Label: text.optional() }),
  link: message.extend({ Title: text.optional(), Description: text.optional(), Url: z.string().min(1).max(4000) }),
  event: base.extend({
    Event: z.string().min(1).max(60),
    EventKey: z.string().max(1000).optional(),
    Ticket: z.string().max(500).optional(),
    Latitude: coordinate.optional(),
    Longitude: coordinate.optional(),
    Precision: z.string().max(20).optional(),
    MenuId: z.string().max(40).optional(),
  }),
};

/** Events that reach the conversation; others (mass-send reports, template receipts, …) are acknowledged and dropped. */
const CONVERSATION_EVENTS = new Set(['subscribe', 'unsubscribe', 'SCAN', 'CLICK', 'VIEW', 'LOCATION']);

/** What a follower does that opens the reply window again (WeChat's list: messages, follow, QR scan, menu click). */
export function opensReplyWindow(payload: Record<string, unknown>): boolean {
  if (payload.MsgType !== 'event') return true;
  return payload.Event === 'subscribe' || payload.Event === 'SCAN' || payload.Event === 'CLICK';
}

/** The dedupe key: MsgId for messages; sender, time and event for events, which have none. */
export function externalIdOf(payload: { MsgType: string; FromUserName: string; CreateTime: string; MsgId?: string; Event?: string }): string {
  return payload.MsgType === 'event' ? `${payload.FromUserName}:${payload.CreateTime}:${payload.Event}` : payload.MsgId!;
}

/** Event names as routing rules see them: `wechat.subscribe`, `wechat.click`, … */
export const eventName = (event: string) => `wechat.${event.toLowerCase()}`;

/**
 * A pushed message → the one message shape. Media are downloaded by MediaId into the attachment
 * store; if WeChat cannot hand them over now, the part keeps the MediaId (and the picture URL)
 * so nothing the follower sent is lost.
 */
export async function normalizeWechatMessage(payload: unknown, ctx: ChannelContext<WechatOaConfig>): Promise<InboundMessage[]> {
  const head = base.parse(payload);
  const type = head.MsgType === 'shortvideo' ? 'video' : head.MsgType;
  const sentAt = new Date(Number(head.CreateTime) * 1000).toISOString();
  const sender = { externalId: head.FromUserName };
  const done = (parts: ContentPart[], externalId: string): InboundMessage[] => [{ externalId, sender, parts, sentAt, raw: payload }];

  switch (type) {
    case 'text': {
      const m = schemas.text.parse(payload);
      return done([{ type: 'text', text: m.Content }], m.MsgId);
    }
    case 'image': {
      const m = schemas.image.parse(payload);
      return done([await mediaPart(ctx, 'image', m.MediaId, m.FromUserName, m.PicUrl)], m.MsgId);
    }
    case 'voice': {
      const m = schemas.voice.parse(payload);
      const part = await mediaPart(ctx, 'voice', m.MediaId, m.FromUserName);
      return done([m.Recognition ? { ...part, caption: m.Recognition } : part], m.MsgId);
    }
    case 'video': {
      const m = schemas.video.parse(payload);
      return done([await mediaPart(ctx, head.MsgType, m.MediaId, m.FromUserName)], m.MsgId);
    }
    case 'location': {
      const m = schemas.location.parse(payload);
      return done([{ type: 'location', latitude: m.Location_X, longitude: m.Location_Y, label: m.Label || undefined }], m.MsgId);
    }
    case 'link': {
      const m = schemas.link.parse(payload);
      return done([{ type: 'link', url: m.Url, title: m.Title, description: m.Description }], m.MsgId);
    }
    case 'event': {
      const m = schemas.event.parse(payload);
      if (!CONVERSATION_EVENTS.has(m.Event)) return [];
      const data: Record<string, unknown> = {};
      if (m.EventKey) data.key = m.Event === 'subscribe' ? m.EventKey.replace(/^qrscene_/, '') : m.EventKey;
      if (m.Ticket) data.ticket = m.Ticket;
      if (m.MenuId) data.menuId = m.MenuId;
      if (m.Event === 'LOCATION' && m.Latitude !== undefined && m.Longitude !== undefined) {
        Object.assign(data, { latitude: m.Latitude, longitude: m.Longitude, precision: m.Precision });
      }
      return done([{ type: 'event', name: eventName(m.Event), data }], externalIdOf(m));
    }
    default: {
      // A kind WeChat added later (a mini-program card, …): kept as an event, so it is seen and not lost.
      const m = message.parse(payload);
      return done([{ type: 'event', name: 'wechat.unsupported', data: { msgType: m.MsgType } }], m.MsgId);
    }
  }
}

async function mediaPart(ctx: ChannelContext<WechatOaConfig>, kind: string, mediaId: string, openId: string, picUrl?: string): Promise<MediaPart> {
  const type = kind === 'image' ? 'image' : kind === 'voice' ? 'audio' : 'video';
  try {
    // WeChat sends a push again after 5 s without an answer: the download gets 3 s of that at most.
    const quick = { ...ctx, config: { ...ctx.config, requestTimeoutMs: Math.min(ctx.config.requestTimeoutMs, MEDIA_TIMEOUT_MS) } };
    const stored = await downloadMedia(quick, mediaId, kind, openId);
    return { type, attachmentId: stored.attachmentId, providerId: mediaId, mimeType: stored.mimeType, size: stored.size, name: stored.name };
  } catch (error) {
    ctx.logger.warn({ mediaId, err: error instanceof Error ? error.message : String(error) }, 'WeChat media could not be downloaded; kept by reference');
    return { type, providerId: mediaId, ...(picUrl ? { url: picUrl } : {}) };
  }
}
