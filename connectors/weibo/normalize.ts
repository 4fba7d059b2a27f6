import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ChannelContext } from '../../core/connector/define.js';
import { ForbiddenError } from '../../core/errors.js';
import type { ContentPart, InboundMessage } from '../../core/domain/messages.js';
import type { WeiboConfig } from './connector.js';
import { storeWeiboMedia } from './media.js';

/** int64 ids arrive as digits (see parseWeiboJson); a string form is accepted too. */
const uid = z.string().regex(/^\d{1,20}$/, 'an int64 id');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const CREATED_AT = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/;

/** Weibo's `created_at` ("Mon Jul 16 18:09:20 +0800 2012") as a Date; undefined when it is not one. */
export function parseWeiboTime(value: string): Date | undefined {
  const m = CREATED_AT.exec(value);
  if (!m) return undefined;
  const [, mon, day, hh, mm, ss, sign, oh, om, year] = m;
  const month = MONTHS.indexOf(mon!);
  if (month < 0) return undefined;
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const utc = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss)) - offsetMinutes * 60_000;
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const push = z.object({
  type: z.string().min(1).max(32),
  receiver_id: uid,
  sender_id: uid,
  created_at: z.string().refine((v) => parseWeiboTime(v) !== undefined, 'a Weibo time like "Mon Jul 16 18:09:20 +0800 2012"'),
  text: z.string().max(10_000).optional(),
  data: z.union([z.record(z.string(), z.unknown()), z.string(), z.array(z.unknown())]).optional(),
});

const position = z.object({
  longitude: z.coerce.number().min(-180).max(180),
  latitude: z.coerce.number().min(-90).max(90),
});
const media = z.object({ vfid: uid.optional(), tovfid: uid });
const event = z.object({
  subtype: z.string().min(1).max(32),
  key: z.string().max(512).optional(),
  ticket: z.string().max(512).optional(),
});

export type WeiboPush = z.infer<typeof push>;

/**
 * Pushes carry no message id, so the key is the sender, the second it was sent, the type (and
 * event subtype) — and a digest of the content, so two different messages of one second stay
 * two while Weibo's retries of one push (identical content) stay one.
 */
export function weiboDedupeKey(p: WeiboPush): string {
  const at = parseWeiboTime(p.created_at)!.getTime() / 1000;
  const digest = createHash('sha256')
    .update(JSON.stringify([p.text ?? '', p.data ?? {}]))
    .digest('hex')
    .slice(0, 16);
  const subtype = p.type === 'event' && p.data && typeof p.data === 'object' && !Array.isArray(p.data) ? `:${String(p.data.subtype ?? '')}` : '';
  return `${p.sender_id}:${at}:${p.type}${subtype}:${digest}`;
}

const KNOWN_TYPES = new Set(['text', 'position', 'voice', 'image', 'mention', 'event']);

async function partsOf(p: WeiboPush, ctx: ChannelContext<WeiboConfig>): Promise<ContentPart[]> {
  const data = p.data && typeof p.data === 'object' && !Array.isArray(p.data) ? p.data : {};
  switch (p.type) {
    case 'text':
      return [{ type: 'text', text: p.text ?? '' }];
    case 'mention':
      return [
        { type: 'text', text: p.text ?? '' },
        { type: 'event', name: 'weibo.mention', data },
      ];
    case 'position': {
      const at = position.parse(data);
      return [{ type: 'location', latitude: at.latitude, longitude: at.longitude, label: p.text || undefined }];
    }
    case 'voice':
    case 'image': {
      const m = media.parse(data);
      const kind = p.type === 'voice' ? 'audio' : 'image';
      const file = await storeWeiboMedia(ctx, m.tovfid, p.sender_id, kind);
      return [{ type: kind, providerId: m.tovfid, ...file, caption: p.text || undefined }];
    }
    default: {
      const e = event.parse(data);
      const name = e.subtype.toLowerCase();
      return [{ type: 'event', name: `weibo.${name}`, data: { ...(e.key ? { key: e.key } : {}), ...(e.ticket ? { ticket: e.ticket } : {}) } }];
    }
  }
}

/** One push → one message; a push of a type Weibo added later is acknowledged and skipped. */
export async function normalizeWeiboPush(payload: unknown, ctx: ChannelContext<WeiboConfig>): Promise<InboundMessage[]> {
  const p = push.parse(payload);
  if (ctx.config.accountId && p.receiver_id !== ctx.config.accountId) {
    throw new ForbiddenError('the push is addressed to another account');
  }
  if (!KNOWN_TYPES.has(p.type)) {
    ctx.logger.info({ type: p.type }, 'weibo push of an unknown type skipped');
    return [];
  }
  const parts = await partsOf(p, ctx);
  if (parts[0]?.type === 'text' && !parts[0].text)
    throw new z.ZodError([{ code: 'custom', path: ['text'], message: 'a text message needs text', input: p.text }]);
  return [
    {
      externalId: weiboDedupeKey(p),
      sender: { externalId: p.sender_id },
      parts,
      sentAt: parseWeiboTime(p.created_at)!.toISOString(),
      raw: payload,
    },
  ];
}
