import EmailReplyParser from 'email-reply-parser';
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { bareId, messageIds } from './threading.js';

/** One mail, decoded: what the rest of the connector works with. */
export interface ParsedEmail {
  /** Without angle brackets; undefined when the mail has none. */
  messageId: string | undefined;
  inReplyTo: string[];
  references: string[];
  subject: string;
  from: { address: string; name?: string } | undefined;
  to: string[];
  cc: string[];
  replyTo: string | undefined;
  date: Date | undefined;
  /** The full plain text (from the text part, or derived from the HTML). */
  text: string;
  /** The new part of the text, quoted history and signature folded away; equal to `text` when nothing was folded. */
  visibleText: string;
  /** Sanitised HTML, `cid:` links still in place (the caller maps them to stored attachments). */
  html: string | undefined;
  attachments: Attachment[];
  headers: ParsedMail['headers'];
  /** The DSN parts of a multipart/report bounce. */
  report: { deliveryStatus?: string; originalHeaders?: string } | undefined;
}

/**
 * Decodes a raw RFC 5322 message with mailparser: charsets (GB2312, GBK, GB18030, Big5,
 * ISO-2022-JP, …), RFC 2047 encoded words, RFC 2231 parameters, nested multiparts.
 */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  const mail = await simpleParser(raw, { keepCidLinks: true, skipImageLinks: true, skipTextLinks: true, maxHtmlLengthToParse: 2_000_000 });
  const from = firstAddress(mail.from);
  const text = (mail.text ?? (typeof mail.html === 'string' ? htmlToPlain(mail.html) : '')).replace(/\r\n/g, '\n').trimEnd();
  const report = reportParts(mail);
  return {
    messageId: mail.messageId ? bareId(mail.messageId) || undefined : undefined,
    inReplyTo: messageIds(mail.inReplyTo),
    references: messageIds(mail.references),
    subject: (mail.subject ?? '').trim(),
    from,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    replyTo: firstAddress(mail.replyTo)?.address,
    date: mail.date,
    text,
    visibleText: foldQuotes(text),
    html: typeof mail.html === 'string' ? sanitizeEmailHtml(mail.html) : undefined,
    attachments: mail.attachments.filter((a) => !isReportPart(a)),
    headers: mail.headers,
    report,
  };
}

// Building one compiles some sixty patterns: one for the process.
const replyParser = new EmailReplyParser();

/** Quoted history ("On … wrote:", "> …", "在 … 写道：") and signatures folded away. */
export function foldQuotes(text: string): string {
  if (!text) return text;
  try {
    const visible = replyParser.read(text).getVisibleText().trim();
    return visible || text;
  } catch {
    return text;
  }
}

/**
 * HTML safe to show in the agent's view: no scripts, handlers, forms, frames or remote
 * styles; images only from `cid:` (the mail's own) or data: URIs, so opening a mail does not
 * tell a tracker it was read.
 */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'span', 'u', 's', 'del', 'ins', 'sub', 'sup'],
    allowedAttributes: {
      '*': ['style', 'align', 'dir', 'lang', 'title'],
      a: ['href', 'name'],
      img: ['src', 'alt', 'width', 'height'],
      font: ['color', 'face', 'size'],
      td: ['colspan', 'rowspan', 'width', 'valign', 'bgcolor'],
      th: ['colspan', 'rowspan', 'width', 'valign', 'bgcolor'],
      table: ['width', 'border', 'cellpadding', 'cellspacing', 'bgcolor'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['cid', 'data'] },
    allowedStyles: {
      '*': {
        color: [/^[#a-z0-9(),.\s%]+$/i],
        'background-color': [/^[#a-z0-9(),.\s%]+$/i],
        'text-align': [/^(left|right|center|justify)$/],
        'font-weight': [/^(normal|bold|\d{3})$/],
        'font-style': [/^(normal|italic)$/],
        'text-decoration': [/^[a-z\s-]+$/],
      },
    },
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }),
      // Relative and remote image URLs would load from somewhere when the mail is opened.
      img: (tagName, attribs) => {
        const { src, ...rest } = attribs;
        return { tagName, attribs: src && /^(cid:|data:image\/)/i.test(src) ? { src, ...rest } : rest };
      },
    },
  } as sanitizeHtml.IOptions);
}

function htmlToPlain(html: string): string {
  return sanitizeHtml(html.replace(/<(br|\/p|\/div|\/li|\/tr)\b[^>]*>/gi, '\n$&'), { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): { address: string; name?: string } | undefined {
  for (const group of Array.isArray(value) ? value : value ? [value] : []) {
    for (const entry of group.value) {
      if (entry.address) return { address: entry.address.toLowerCase(), ...(entry.name ? { name: entry.name } : {}) };
    }
  }
  return undefined;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list: string[] = [];
  for (const group of Array.isArray(value) ? value : value ? [value] : []) {
    for (const entry of group.value) {
      if (entry.address) list.push(entry.name ? `${entry.name} <${entry.address}>` : entry.address);
      for (const member of entry.group ?? []) if (member.address) list.push(member.address);
    }
  }
  return list;
}

const REPORT_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status', 'text/rfc822-headers', 'message/rfc822-headers']);

function isReportPart(a: Attachment): boolean {
  return REPORT_TYPES.has(a.contentType.toLowerCase());
}

/** The machine-readable parts of a DSN (RFC 3464), when the mail is a multipart/report. */
function reportParts(mail: ParsedMail): ParsedEmail['report'] {
  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (contentType?.value?.toLowerCase() !== 'multipart/report') return undefined;
  let deliveryStatus: string | undefined;
  let originalHeaders: string | undefined;
  for (const part of mail.attachments) {
    const type = part.contentType.toLowerCase();
    if (type === 'message/delivery-status' || type === 'message/global-delivery-status') deliveryStatus = part.content.toString('utf8');
    else if (type === 'text/rfc822-headers' || type === 'message/rfc822-headers') originalHeaders = part.content.toString('utf8');
    else if (type === 'message/rfc822' && !originalHeaders) originalHeaders = part.content.toString('utf8').split(/\r?\n\r?\n/)[0];
  }
  // mailparser reads a message/delivery-status part as text: its fields are then in the body.
  if (!deliveryStatus) {
    const fields = (mail.text ?? '').split(/\r?\n/).filter((line) => /^(Final-Recipient|Action|Status|Diagnostic-Code|Remote-MTA):/i.test(line));
    if (fields.length) deliveryStatus = fields.join('\n');
  }
  return { deliveryStatus, originalHeaders };
}
