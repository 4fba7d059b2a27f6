import { sql } from 'kysely';
import type { Principal } from '../../../core/auth/permissions.js';
import type { Db } from '../../../core/db/database.js';
import type { ContentPart } from '../../../core/domain/messages.js';
import { ValidationError } from '../../../core/errors.js';
import { visibleTo } from './visibility.js';

/**
 * Whether this principal may read a stored file: one they uploaded themselves, or one carried by
 * a message of a conversation they may see (the customer's files and colleagues' alike).
 */
export async function mayReadAttachment(db: Db, principal: Principal, file: { id: string; owner: string }): Promise<boolean> {
  if (file.owner === `agent:${principal.userId}`) return true;
  const hit = await db
    .selectFrom('messages')
    .innerJoin('conversations', (j) => j.onRef('conversations.id', '=', 'messages.conversation_id').onRef('conversations.tenant_id', '=', 'messages.tenant_id'))
    .select(sql`1`.as('one'))
    .where('messages.tenant_id', '=', principal.tenantId)
    // The expression of the index messages_attachment_ids (migrations/0010_web.ts).
    .where(sql<boolean>`jsonb_path_query_array(messages.content, '$[*].attachmentId') @> ${JSON.stringify([file.id])}::jsonb`)
    .where((eb) => visibleTo(eb, principal))
    .limit(1)
    .executeTakeFirst();
  return hit !== undefined;
}

/**
 * The files of a reply, checked and described from the store (the client's name, type and size
 * are not trusted): each must be a file of this conversation's channel that the agent uploaded
 * or may already read. Parts without an attachment id pass unchanged.
 */
export async function resolveReplyAttachments(db: Db, principal: Principal, channelId: string, parts: ContentPart[]): Promise<ContentPart[]> {
  const ids = [...new Set(parts.flatMap((part) => ('attachmentId' in part && part.attachmentId ? [part.attachmentId] : [])))];
  if (ids.length === 0) return parts;
  const rows = await db
    .selectFrom('attachments')
    .select(['id', 'owner', 'channel_id', 'name', 'mime_type', 'size', 'duration_ms'])
    .where('tenant_id', '=', principal.tenantId)
    .where(sql<boolean>`id::text = any(${ids})`)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const id of ids) {
    const row = byId.get(id);
    if (!row || row.channel_id !== channelId || !(await mayReadAttachment(db, principal, { id: row.id, owner: row.owner }))) {
      throw new ValidationError('unknown attachment', [{ field: 'parts', message: `upload ${id} to this conversation first` }]);
    }
  }
  return parts.map((part) => {
    if (!('attachmentId' in part) || !part.attachmentId) return part;
    const row = byId.get(part.attachmentId)!;
    const duration = row.duration_ms !== null ? { duration: row.duration_ms / 1000 } : {};
    return { ...part, name: row.name, mimeType: row.mime_type, size: Number(row.size), ...duration };
  });
}
