import MailComposer from 'nodemailer/lib/mail-composer';
import type { Transporter } from 'nodemailer';
import type { ChannelContext, SendReceipt } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import type { ContentPart, OutboundEnvelope } from '../../core/domain/messages.js';
import { OutboundRefusedError } from '../../core/net/outbound.js';
import type { EmailConfig } from './config.js';
import { SenderRateLimit } from './guards.js';
import { describeError, imapClient, smtpTransport } from './imap.js';
import { EMAIL_EVENT, type EmailDetails } from './normalize.js';
import { replyHeaders, replySubject } from './threading.js';

/** Automatic answers (bots, system notices) one address may get per hour: a loop that slipped through stops here. */
export const AUTOMATIC_REPLIES_PER_HOUR = 5;

const transports = new Map<string, { key: string; transport: Transporter }>();
const automaticLimits = new Map<string, SenderRateLimit>();

/**
 * An agent's (or a bot's) reply as a mail from the channel's address, in the customer's thread:
 * its own Message-ID, In-Reply-To the customer's last mail, References the thread, and the
 * conversation token in the subject for clients that drop those headers. SMTP 4xx and network
 * failures are retried; 5xx fails the message with the server's words. A copy goes to the
 * Sent folder when one is set.
 */
export async function sendEmail(outbound: OutboundEnvelope, ctx: ChannelContext<EmailConfig>): Promise<SendReceipt> {
  const to = outbound.recipient.email ?? outbound.recipient.externalId;
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(to)) throw ConnectorError.permanent(`the customer has no e-mail address (${to})`, 'recipient');
  const thread = await threadOf(ctx, outbound);
  if (thread.automatic) {
    if (thread.lastInboundAutomatic) throw ConnectorError.permanent(`not answering an automatic mail (${thread.lastInboundAutomatic})`, 'auto-reply');
    if (!automaticLimit(ctx).allow(to.toLowerCase()))
      throw ConnectorError.permanent(`more than ${AUTOMATIC_REPLIES_PER_HOUR} automatic replies to ${to} this hour`, 'rate-limit');
  }

  const domain = ctx.config.fromAddress.split('@')[1]!;
  const messageId = `sb.${outbound.messageId}.${outbound.channelId}@${domain}`;
  const answered = outbound.inReplyTo && !outbound.inReplyTo.startsWith('sha256:') ? outbound.inReplyTo : thread.lastInbound;
  const headers = replyHeaders(thread.history, answered);
  const { text, attachments } = await body(outbound.parts, ctx);
  const mail = {
    from: ctx.config.fromName ? { name: ctx.config.fromName, address: ctx.config.fromAddress } : ctx.config.fromAddress,
    to: outbound.recipient.displayName ? { name: outbound.recipient.displayName, address: to } : to,
    subject: replySubject(outbound.subject ?? thread.subject, outbound.threadKey),
    text,
    attachments,
    messageId: `<${messageId}>`,
    ...(headers.inReplyTo ? { inReplyTo: `<${headers.inReplyTo}>` } : {}),
    ...(headers.references ? { references: headers.references.map((id) => `<${id}>`) } : {}),
    headers: thread.automatic ? { 'Auto-Submitted': 'auto-replied' } : {},
  };
  const raw = await new MailComposer(mail).compile().build();
  try {
    await (await transport(ctx)).sendMail({ envelope: { from: ctx.config.fromAddress, to: [to] }, raw });
  } catch (error) {
    throw classify(error, ctx.config);
  }
  if (ctx.config.sentFolder) await copyToSent(ctx, raw);
  return { id: messageId };
}

interface Thread {
  /** Message ids of the conversation, oldest first, and the customer's own References before them. */
  history: string[];
  lastInbound: string | undefined;
  subject: string | undefined;
  /** Written by a bot or the system, not a person. */
  automatic: boolean;
  lastInboundAutomatic: string | undefined;
}

async function threadOf(ctx: ChannelContext<EmailConfig>, outbound: OutboundEnvelope): Promise<Thread> {
  const { subject: conversationSubject, messages: rows } = await ctx.platform.conversations.transcript(outbound.conversationId);
  const history: string[] = [];
  let lastInbound: string | undefined;
  let lastInboundAutomatic: string | undefined;
  let subject: string | undefined;
  let rootReferences: string[] | undefined;
  for (const row of rows) {
    if (row.direction === 'in') {
      const details = emailDetails(row.content);
      rootReferences ??= details?.references;
      subject ??= details?.subject;
      lastInboundAutomatic = details?.automatic;
      if (details?.messageId) {
        history.push(details.messageId);
        lastInbound = details.messageId;
      }
    } else if (row.providerMessageId && String(row.id) !== outbound.messageId) {
      history.push(row.providerMessageId);
    }
  }
  const self = rows.find((r) => String(r.id) === outbound.messageId);
  return {
    history: [...(rootReferences ?? []), ...history],
    lastInbound,
    subject: subject ?? conversationSubject ?? undefined,
    automatic: self ? self.senderType === 'bot' || self.senderType === 'system' : false,
    lastInboundAutomatic,
  };
}

function emailDetails(content: unknown): EmailDetails | undefined {
  if (!Array.isArray(content)) return undefined;
  const part = content.find((p: ContentPart) => p?.type === 'event' && p.name === EMAIL_EVENT) as Extract<ContentPart, { type: 'event' }> | undefined;
  return part?.data as EmailDetails | undefined;
}

async function body(parts: ContentPart[], ctx: ChannelContext<EmailConfig>) {
  const lines: string[] = [];
  const attachments: { filename: string; content: Buffer; contentType: string }[] = [];
  for (const part of parts) {
    if (part.type === 'text') lines.push(part.text);
    else if (part.type === 'link') lines.push(part.title ? `${part.title}: ${part.url}` : part.url);
    else if (part.type === 'location') lines.push(`${part.label ?? 'Location'}: https://www.openstreetmap.org/?mlat=${part.latitude}&mlon=${part.longitude}`);
    else if (part.type === 'event') continue;
    else if (part.attachmentId) {
      const { file, bytes } = await ctx.attachments.read(part.attachmentId);
      attachments.push({ filename: part.name ?? file.name, content: bytes, contentType: file.mimeType });
      if (part.caption) lines.push(part.caption);
    } else if (part.url) {
      lines.push(`${part.type === 'image' ? 'Image' : 'File'}: ${part.name ?? part.url} <${part.url}>`);
    }
  }
  return { text: `${lines.join('\n\n')}\n`, attachments };
}

async function transport(ctx: ChannelContext<EmailConfig>): Promise<Transporter> {
  const c = ctx.config;
  // The host is resolved and checked for every mail: the transport holds the address, not the name.
  const { address } = await ctx.outbound.resolve(c.smtpHost);
  const key = JSON.stringify([address, c.smtpHost, c.smtpPort, c.smtpSecurity, c.smtpUser, c.smtpPassword, c.smtpAccessToken]);
  const cached = transports.get(ctx.channel.id);
  if (cached?.key === key) return cached.transport;
  cached?.transport.close();
  const created = await smtpTransport(ctx);
  transports.set(ctx.channel.id, { key, transport: created });
  return created;
}

function automaticLimit(ctx: ChannelContext<EmailConfig>): SenderRateLimit {
  let limit = automaticLimits.get(ctx.channel.id);
  if (!limit) automaticLimits.set(ctx.channel.id, (limit = new SenderRateLimit(AUTOMATIC_REPLIES_PER_HOUR)));
  return limit;
}

/** SMTP 4xx and a network failure may pass later; 5xx (refused recipient, refused login, refused content) will not. */
export function classify(error: unknown, config: EmailConfig): ConnectorError {
  const e = error as { responseCode?: number; code?: string; response?: string };
  const text = describeError(error, 'SMTP', config.smtpHost, config.smtpPort);
  if (error instanceof OutboundRefusedError) return ConnectorError.permanent(text, 'address_refused', error);
  if (typeof e?.responseCode === 'number') {
    return e.responseCode >= 500 ? ConnectorError.permanent(text, e.responseCode, error) : ConnectorError.retryable(text, e.responseCode, error);
  }
  if (e?.code === 'EAUTH') return ConnectorError.permanent(text, 'EAUTH', error);
  return ConnectorError.retryable(text, e?.code ?? 'network', error);
}

/** The reply as sent, into the Sent folder; a failure here does not undo a delivered mail. */
async function copyToSent(ctx: ChannelContext<EmailConfig>, raw: Buffer): Promise<void> {
  let client: Awaited<ReturnType<typeof imapClient>>;
  try {
    client = await imapClient(ctx);
  } catch (error) {
    ctx.logger.warn(
      { channelId: ctx.channel.id, err: describeError(error, 'IMAP', ctx.config.imapHost, ctx.config.imapPort) },
      'could not put the reply in the Sent folder',
    );
    return;
  }
  client.on('error', () => {});
  try {
    await client.connect();
    const folder = ctx.config.sentFolder!;
    const appended = await client.append(folder, raw, ['\\Seen']).catch(async (error: { serverResponseCode?: string }) => {
      // A mailbox without that folder yet answers TRYCREATE: make it, once.
      if (error?.serverResponseCode !== 'TRYCREATE') throw error;
      await client.mailboxCreate(folder);
      return client.append(folder, raw, ['\\Seen']);
    });
    if (!appended) throw new Error(`the server did not take the copy into ${folder}`);
    await client.logout();
  } catch (error) {
    client.close();
    ctx.logger.warn(
      { channelId: ctx.channel.id, err: describeError(error, 'IMAP', ctx.config.imapHost, ctx.config.imapPort) },
      'could not put the reply in the Sent folder',
    );
  }
}
