import { z } from 'zod';
import type { ChannelContext } from '../../core/connector/define.js';
import type { ContentPart, InboundMessage } from '../../core/domain/messages.js';
import type { XConfig } from './connector.js';
import { keepDmPicture } from './media.js';

const id = z.string().regex(/^\d{1,20}$/, 'a numeric id string');

/** One DM event as the Account Activity webhook delivers it (the v1.1 event shape). */
const webhookEvent = z.object({
  type: z.string(),
  id,
  created_timestamp: z.string().regex(/^\d{10,16}$/),
  message_create: z
    .object({
      sender_id: id,
      target: z.object({ recipient_id: id }),
      message_data: z.object({
        text: z.string().max(20_000),
        attachment: z
          .object({
            type: z.string(),
            media: z.object({ id_str: id, type: z.string(), media_url_https: z.string().optional() }).optional(),
          })
          .optional(),
      }),
    })
    .optional(),
});

const webhookPayload = z.object({
  for_user_id: id,
  direct_message_events: z.array(webhookEvent).max(1000).optional(),
  users: z.record(z.string(), z.object({ name: z.string().optional(), screen_name: z.string().optional() })).optional(),
});

/** One DM event as the poll hands it over: the v2 event with what the response included about it. */
const polledPayload = z.object({
  for_user_id: id,
  dm_event: z.object({
    id,
    event_type: z.string(),
    text: z.string().max(20_000).optional(),
    sender_id: id.optional(),
    created_at: z.iso.datetime({ offset: true }).optional(),
    attachments: z.object({ media_keys: z.array(z.string()).optional() }).optional(),
  }),
  users: z.array(z.object({ id, name: z.string().optional(), username: z.string().optional() })).default([]),
  media: z.array(z.object({ media_key: z.string(), type: z.string(), url: z.string().optional(), preview_image_url: z.string().optional() })).default([]),
});

export type PolledPayload = z.input<typeof polledPayload>;

const kindOfMedia = (type: string): 'image' | 'video' => (type === 'photo' ? 'image' : 'video');
/** v2 media keys are `<type digit>_<media id>`; the id is what the webhook calls id_str. */
const mediaIdOf = (mediaKey: string) => mediaKey.replace(/^\d+_/, '');

function message(fields: {
  eventId: string;
  senderId: string;
  name?: string;
  username?: string;
  text: string;
  media?: ContentPart;
  sentAt?: string;
  raw: unknown;
}): InboundMessage {
  const parts: ContentPart[] = [];
  if (fields.text) parts.push({ type: 'text', text: fields.text });
  if (fields.media) parts.push(fields.media);
  if (parts.length === 0) parts.push({ type: 'text', text: '' });
  return {
    externalId: `dm:${fields.eventId}`,
    sender: {
      externalId: fields.senderId,
      displayName: fields.name,
      ...(fields.username ? { attributes: { xUsername: fields.username } } : {}),
    },
    parts,
    sentAt: fields.sentAt,
    raw: fields.raw,
  };
}

/**
 * A webhook delivery or a polled event → the DMs customers sent. Both give the same external id
 * (`dm:<event id>`), sender and parts for one DM, so a DM that arrives both ways is stored once.
 * The account's own DMs (sent from the console or from X itself) are echoes and are dropped,
 * as are events that are not messages (typing, read receipts, tweets).
 */
export async function normalizeXPayload(payload: unknown, ctx?: ChannelContext<XConfig>): Promise<InboundMessage[]> {
  const messages = readXPayload(payload);
  if (!ctx) return messages;
  for (const message of messages) message.parts = await Promise.all(message.parts.map((part) => keepDmPicture(ctx, part, message.sender.externalId)));
  return messages;
}

/** The DMs a payload carries, media named by id and URL (not fetched). */
export function readXPayload(payload: unknown): InboundMessage[] {
  if (payload && typeof payload === 'object' && 'dm_event' in payload) {
    const p = polledPayload.parse(payload);
    const event = p.dm_event;
    if (event.event_type !== 'MessageCreate' || !event.sender_id || event.sender_id === p.for_user_id) return [];
    const user = p.users.find((u) => u.id === event.sender_id);
    const key = event.attachments?.media_keys?.[0];
    const media = key ? p.media.find((m) => m.media_key === key) : undefined;
    return [
      message({
        eventId: event.id,
        senderId: event.sender_id,
        name: user?.name,
        username: user?.username,
        text: event.text ?? '',
        media: key ? { type: kindOfMedia(media?.type ?? 'photo'), providerId: mediaIdOf(key), url: media?.url ?? media?.preview_image_url } : undefined,
        sentAt: event.created_at,
        raw: payload,
      }),
    ];
  }
  const p = webhookPayload.parse(payload);
  const messages: InboundMessage[] = [];
  for (const event of p.direct_message_events ?? []) {
    const create = event.message_create;
    if (event.type !== 'message_create' || !create || create.sender_id === p.for_user_id) continue;
    const user = p.users?.[create.sender_id];
    const media = create.message_data.attachment?.media;
    messages.push(
      message({
        eventId: event.id,
        senderId: create.sender_id,
        name: user?.name,
        username: user?.screen_name,
        text: create.message_data.text,
        media: media ? { type: kindOfMedia(media.type), providerId: media.id_str, url: media.media_url_https } : undefined,
        sentAt: new Date(Number(event.created_timestamp)).toISOString(),
        raw: { for_user_id: p.for_user_id, direct_message_event: event, user },
      }),
    );
  }
  return messages;
}
