import type { Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.js';
import type { ContentPart } from '../../core/domain/messages.js';

/** One message as a model reads it. */
export interface TranscriptLine {
  from: 'customer' | 'agent' | 'bot' | 'system';
  /** An internal note: agents wrote it for agents. */
  note: boolean;
  text: string;
}

const HTML_TAG = /<[^>]*>/g;

/** What a message says, in words: its text, and a word for what is not text (an image, a file). */
export function partsText(parts: readonly ContentPart[]): string {
  return parts
    .map((part) => {
      switch (part.type) {
        case 'text':
          return part.format === 'html'
            ? part.text
                .replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ')
                .replace(HTML_TAG, ' ')
                .replace(/&nbsp;/g, ' ')
            : part.text;
        case 'image':
        case 'audio':
        case 'video':
        case 'file':
          return `[${part.type}${part.name ? `: ${part.name}` : ''}]${part.caption ? ` ${part.caption}` : ''}`;
        case 'location':
          return `[location${part.label ? `: ${part.label}` : ''}]`;
        case 'link':
          return part.title ? `${part.title} ${part.url}` : part.url;
        default:
          return '';
      }
    })
    .filter(Boolean)
    .join(' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/**
 * The latest messages of a conversation, oldest first, as the copilot and the summaries give them
 * to the model. Internal notes only when asked: a reply drafted for the customer is not fed what
 * agents wrote for each other. Each message is cut to `maxChars`.
 */
export async function loadTranscript(
  db: Kysely<Database>,
  tenantId: string,
  conversationId: string,
  options: { limit?: number; notes?: boolean; maxChars?: number } = {},
): Promise<TranscriptLine[]> {
  let query = db
    .selectFrom('messages')
    .select(['direction', 'sender_type', 'private', 'content'])
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', conversationId);
  if (!options.notes) query = query.where('private', '=', false);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(options.limit ?? 30)
    .execute();
  const max = options.maxChars ?? 2000;
  return rows
    .reverse()
    .map((row) => ({
      from:
        row.direction === 'in' ? ('customer' as const) : row.sender_type === 'contact' ? ('customer' as const) : (row.sender_type as TranscriptLine['from']),
      note: row.private,
      text: partsText(row.content as ContentPart[]).slice(0, max),
    }))
    .filter((line) => line.text !== '');
}

const WHO: Record<TranscriptLine['from'], string> = { customer: 'Customer', agent: 'Agent', bot: 'Bot', system: 'System' };

/** The transcript as the model reads it: one line per message, who wrote it first. */
export function transcriptText(lines: readonly TranscriptLine[]): string {
  return lines.map((line) => `${line.note ? `${WHO[line.from]} (internal note)` : WHO[line.from]}: ${line.text}`).join('\n');
}

/** An article's HTML body as plain text for a prompt. */
export function htmlText(html: string): string {
  return html
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<\/(p|div|h[1-6]|li|tr)>|<br\s*\/?>/gi, '$&\n')
    .replace(HTML_TAG, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}
