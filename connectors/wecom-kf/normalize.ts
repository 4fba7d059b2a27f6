import { z } from 'zod';
import type { ContentPart, InboundMessage } from '../../core/domain/messages.js';

const id = z.string().min(1).max(256);
const media = z.object({ media_id: id });

/** One entry of sync_msg's msg_list, as WeCom documents it (微信客服 · 读取消息). */
const kfMessage = z.object({
  msgid: id,
  // Absent on system events: those carry the account and the customer inside `event`.
  open_kfid: id.optional(),
  external_userid: id.optional(),
  send_time: z.number().int().nonnegative(),
  origin: z.number().int(),
  servicer_userid: z.string().max(64).optional(),
  msgtype: z.string().min(1).max(40),
  text: z.object({ content: z.string().max(20_000), menu_id: z.string().max(64).optional() }).optional(),
  image: media.optional(),
  voice: media.optional(),
  video: media.optional(),
  file: media.optional(),
  location: z
    .object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      name: z.string().max(500).optional(),
      address: z.string().max(1000).optional(),
    })
    .optional(),
  link: z
    .object({
      title: z.string().max(1000).optional(),
      desc: z.string().max(2000).optional(),
      url: z.string().min(1).max(4000),
      pic_url: z.string().max(4000).optional(),
    })
    .optional(),
  event: z
    .object({
      event_type: z.string().min(1).max(60),
      open_kfid: id.optional(),
      external_userid: id.optional(),
      fail_msgid: z.string().max(64).optional(),
      fail_type: z.number().int().optional(),
      scene: z.string().max(64).optional(),
      scene_param: z.string().max(1000).optional(),
      welcome_code: z.string().max(256).optional(),
    })
    .passthrough()
    .optional(),
});

export type KfMessage = z.infer<typeof kfMessage>;

/** Origins in msg_list: 3 the customer wrote, 4 a system event, 5 a WeCom member answered from the WeCom app. */
const ORIGIN_CUSTOMER = 3;
const ORIGIN_EVENT = 4;

const MEDIA_KINDS = { image: 'image', voice: 'audio', video: 'video', file: 'file' } as const;

/**
 * One msg_list entry → the one message shape. The customer-service account (open_kfid) is the
 * thread: a customer writing to two accounts of the company has two conversations. Media keep
 * WeCom's media_id (valid 3 days) for the console to fetch.
 */
export function normalizeKfMessage(payload: unknown, syncedAccount?: string): InboundMessage[] {
  const m = kfMessage.parse(payload);
  const sentAt = new Date(m.send_time * 1000).toISOString();
  if (m.origin === ORIGIN_EVENT && m.event) {
    // A failed send settles our own message (see sendFailureOf); it is nothing the customer said.
    if (m.event.event_type === 'msg_send_fail') return [];
    const customer = m.event.external_userid ?? m.external_userid;
    const account = m.event.open_kfid ?? m.open_kfid ?? syncedAccount;
    if (!customer || !account) return [];
    const data: Record<string, unknown> = {};
    if (m.event.scene) data.scene = m.event.scene;
    if (m.event.scene_param) data.sceneParam = m.event.scene_param;
    return [
      {
        externalId: m.msgid,
        threadKey: account,
        sender: { externalId: customer },
        parts: [{ type: 'event', name: `wecom.${m.event.event_type}`, data }],
        sentAt,
        raw: payload,
      },
    ];
  }
  const account = m.open_kfid ?? syncedAccount;
  if (m.origin !== ORIGIN_CUSTOMER || !m.external_userid || !account) return [];
  const parts: ContentPart[] = [];
  if (m.msgtype === 'text' && m.text) parts.push({ type: 'text', text: m.text.content });
  else if (m.msgtype in MEDIA_KINDS && m[m.msgtype as keyof typeof MEDIA_KINDS]) {
    const ref = m[m.msgtype as keyof typeof MEDIA_KINDS]!;
    parts.push({ type: MEDIA_KINDS[m.msgtype as keyof typeof MEDIA_KINDS], providerId: ref.media_id });
  } else if (m.msgtype === 'location' && m.location) {
    parts.push({ type: 'location', latitude: m.location.latitude, longitude: m.location.longitude, label: m.location.name ?? m.location.address });
  } else if (m.msgtype === 'link' && m.link) {
    parts.push({ type: 'link', url: m.link.url, title: m.link.title, description: m.link.desc });
  } else {
    parts.push({ type: 'event', name: 'wecom.unsupported', data: { msgtype: m.msgtype } });
  }
  return [{ externalId: m.msgid, threadKey: account, sender: { externalId: m.external_userid }, parts, sentAt, raw: payload }];
}

/** Why WeCom could not deliver a reply (fail_type of msg_send_fail, 微信客服 · 读取消息). */
const FAIL_TYPES: Record<number, string> = {
  0: 'an unknown reason',
  1: 'the customer-service account was deleted',
  2: 'the app was closed',
  4: 'the session expired (more than 48 hours since the customer wrote)',
  5: 'the session was closed',
  6: 'more than 5 messages were sent in the session',
  7: 'the customer-service account is not verified',
  8: 'the company is not verified',
  10: 'the customer refused the message',
  13: 'the account is blocked',
};

/** A msg_send_fail event: the msgid our send gave (`sb<message id>_<n>`) and WeCom's reason. */
export function sendFailureOf(payload: unknown): { failMsgid: string; failType: number; reason: string } | undefined {
  const parsed = kfMessage.safeParse(payload);
  if (!parsed.success) return undefined;
  const event = parsed.data.event;
  if (parsed.data.origin !== ORIGIN_EVENT || event?.event_type !== 'msg_send_fail' || !event.fail_msgid) return undefined;
  const failType = event.fail_type ?? 0;
  return { failMsgid: event.fail_msgid, failType, reason: `WeCom could not deliver the message: ${FAIL_TYPES[failType] ?? `fail_type ${failType}`}` };
}
