import { createHash } from 'node:crypto';
import { z } from 'zod';
import { UnsupportedFileError } from '../../core/attachments/store.js';
import type { ChannelContext } from '../../core/connector/define.js';
import type { ContentPart, InboundMessage } from '../../core/domain/messages.js';
import { toStorable } from '../../core/domain/storable-text.js';
import { ValidationError } from '../../core/errors.js';
import type { EmailConfig } from './config.js';
import { automaticReason, SenderRateLimit, type HeaderView } from './guards.js';
import { bouncedMessageId, bounceReason, isPermanentBounce } from './bounce.js';
import { parseEmail, type ParsedEmail } from './parse.js';
import { baseSubject, subjectToken, threadCandidates, threadKeyFor } from './threading.js';

/** What the IMAP loop hands over for one mail: where it lies in the mailbox, and its bytes. */
export const fetchedMail = z.object({
  uidValidity: z.string().regex(/^\d+$/),
  uid: z.number().int().positive(),
  folder: z.string().min(1),
  /** The whole RFC 5322 message, base64. */
  raw: z.base64().min(4),
});
export type FetchedMail = z.infer<typeof fetchedMail>;

/** The `event` part every mail carries: the headers the agent's view shows and replies thread on. */
export interface EmailDetails {
  messageId: string | null;
  subject: string;
  from: string;
  to: string[];
  cc: string[];
  replyTo: string | null;
  inReplyTo: string[];
  references: string[];
  /** The new text without quoted history and signature, when something was folded away. */
  visibleText?: string;
  /** The sanitised HTML, `cid:` images pointing at `attachment:<id>`. */
  html?: string;
  /** Why it counts as automatic (never answered automatically), if it does. */
  automatic?: string;
  /** How many characters PostgreSQL cannot store (U+0000, unpaired surrogates) became U+FFFD. */
  replacedCharacters?: number;
}

export const EMAIL_EVENT = 'email';

const limits = new Map<string, SenderRateLimit>();

/**
 * One fetched mail → the message the router threads. Returns nothing for mail that is not a
 * customer's: our own, a bounce (which marks the reply it bounces as failed instead), or a
 * sender over the hourly limit (the mail stays in the mailbox).
 */
export async function normalizeEmail(payload: unknown, ctx: ChannelContext<EmailConfig>): Promise<InboundMessage[]> {
  const fetched = fetchedMail.parse(payload);
  const raw = Buffer.from(fetched.raw, 'base64');
  const mail = await parseEmail(raw);
  if (!mail.from) throw new ValidationError('the mail has no sender address', [{ field: 'raw', message: 'no From address' }]);
  const log = { channelId: ctx.channel.id, uid: fetched.uid };

  if (mail.from.address === ctx.config.fromAddress.toLowerCase()) {
    ctx.logger.info(log, 'mail from the channel’s own address skipped');
    return [];
  }
  if (mail.report?.deliveryStatus) {
    await handleBounce(mail, ctx, log);
    return [];
  }
  if (!rateLimit(ctx).allow(mail.from.address)) {
    ctx.logger.warn({ ...log, sender: mail.from.address }, 'sender over the hourly mail limit; left in the mailbox');
    return [];
  }

  const externalId = mail.messageId && mail.messageId.length <= 500 ? mail.messageId : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const threadKey = await findThreadKey(ctx, mail, externalId);
  const { parts: files, cidMap } = await storeAttachments(ctx, mail, mail.from.address, externalId);
  const html = mail.html?.replace(/(["'])cid:([^"']+)\1/gi, (whole, quote: string, cid: string) => {
    const id = cidMap.get(cid.toLowerCase());
    return id ? `${quote}attachment:${id}${quote}` : whole;
  });
  const automatic = automaticReason(headerText(mail.headers), mail.from.address);
  const details: EmailDetails = {
    messageId: mail.messageId ?? null,
    subject: mail.subject,
    from: mail.from.name ? `${mail.from.name} <${mail.from.address}>` : mail.from.address,
    to: mail.to,
    cc: mail.cc,
    replyTo: mail.replyTo ?? null,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    ...(mail.visibleText !== mail.text ? { visibleText: mail.visibleText } : {}),
    ...(html ? { html } : {}),
    ...(automatic ? { automatic } : {}),
  };
  const parts: ContentPart[] = [
    { type: 'text', text: mail.text, format: 'plain' },
    ...files,
    { type: 'event', name: EMAIL_EVENT, data: details as unknown as Record<string, unknown> },
  ];
  // A mail cannot be refused like a request: what PostgreSQL cannot store is replaced, and said so.
  const { value: message, replaced } = toStorable<InboundMessage>({
    externalId,
    threadKey,
    kind: 'email',
    sender: { externalId: mail.from.address, email: mail.from.address, verified: ['email'], ...(mail.from.name ? { displayName: mail.from.name } : {}) },
    subject: baseSubject(mail.subject) || mail.subject || '(no subject)',
    ...(mail.date && !Number.isNaN(mail.date.getTime()) ? { sentAt: mail.date.toISOString() } : {}),
    parts,
    raw: { folder: fetched.folder, uidValidity: fetched.uidValidity, uid: fetched.uid, size: raw.length },
  });
  if (replaced) {
    const event = message.parts.at(-1) as { data: Record<string, unknown> };
    event.data = { ...event.data, replacedCharacters: replaced };
    ctx.logger.info({ ...log, replaced }, 'characters that cannot be stored replaced in a mail');
  }
  return [message];
}

function rateLimit(ctx: ChannelContext<EmailConfig>): SenderRateLimit {
  let limit = limits.get(ctx.channel.id);
  if (!limit) {
    limit = new SenderRateLimit(ctx.config.maxMailsPerSenderPerHour);
    limits.set(ctx.channel.id, limit);
  }
  return limit;
}

/**
 * The conversation a mail belongs to: the one holding the mail it answers (In-Reply-To), else
 * any mail it references (newest first), else the one whose token is in the subject, else a
 * new thread named after the first mail of the customer's thread.
 */
async function findThreadKey(ctx: ChannelContext<EmailConfig>, mail: ParsedEmail, externalId: string): Promise<string> {
  const candidates = threadCandidates(mail.inReplyTo, mail.references).slice(0, 50);
  const known = candidates.length ? await ctx.platform.messages.threadKeyOf(candidates) : undefined;
  if (known) return known;
  const token = subjectToken(mail.subject);
  if (token) return token;
  return threadKeyFor(mail.references[0] ?? mail.inReplyTo[0] ?? externalId);
}

/**
 * Inline images and attachments into the attachment store; too large or empty ones are named but
 * not kept. Each is keyed by the mail's dedupe key, its place in the mail and its content hash, so
 * a mail read again (after a crash, a UIDVALIDITY change) finds its files kept and stores none twice.
 */
async function storeAttachments(
  ctx: ChannelContext<EmailConfig>,
  mail: ParsedEmail,
  owner: string,
  externalId: string,
): Promise<{ parts: ContentPart[]; cidMap: Map<string, string> }> {
  const parts: ContentPart[] = [];
  const cidMap = new Map<string, string>();
  for (const [index, attachment] of mail.attachments.entries()) {
    const name = attachment.filename ?? `attachment-${index + 1}`;
    const kind = attachment.contentType.startsWith('image/')
      ? 'image'
      : attachment.contentType.startsWith('audio/')
        ? 'audio'
        : attachment.contentType.startsWith('video/')
          ? 'video'
          : 'file';
    try {
      const key = `email:${externalId}#${index}:${createHash('sha256').update(attachment.content).digest('hex')}`;
      const stored = await ctx.attachments.put({
        owner,
        name,
        bytes: attachment.content,
        declaredType: attachment.contentType,
        maxBytes: ctx.config.maxAttachmentBytes,
        key,
      });
      parts.push({ type: kind, attachmentId: stored.id, name: stored.name, mimeType: stored.mimeType, size: stored.size });
      if (attachment.contentId) cidMap.set(attachment.contentId.replace(/^<|>$/g, '').toLowerCase(), stored.id);
    } catch (error) {
      if (!(error instanceof UnsupportedFileError)) throw error;
      parts.push({ type: kind, name, mimeType: attachment.contentType, size: attachment.size, caption: `not kept: ${error.message}` });
    }
  }
  return { parts, cidMap };
}

async function handleBounce(mail: ParsedEmail, ctx: ChannelContext<EmailConfig>, log: Record<string, unknown>): Promise<void> {
  const original = bouncedMessageId(mail);
  if (!original || !isPermanentBounce(mail)) {
    ctx.logger.info({ ...log, original }, 'delivery report without a permanent failure of a known reply');
    return;
  }
  const marked = await ctx.deliveries.failed(original, bounceReason(mail));
  ctx.logger.info({ ...log, marked }, marked ? 'a reply bounced; marked failed' : 'a bounce for a mail we do not know');
}

/** mailparser's header map as text: structured values (lists, parameters) by their main value. */
function headerText(headers: ParsedEmail['headers']): HeaderView {
  return {
    get(name) {
      const value = headers.get(name) as unknown;
      if (value === undefined || value === null) return undefined;
      if (typeof value === 'string') return value;
      if (Array.isArray(value)) return value.map(String).join(', ');
      if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
      if (typeof value === 'object' && 'id' in value) return String((value as { id: unknown }).id);
      return String(value);
    },
  };
}
