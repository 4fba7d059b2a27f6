import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { UnsupportedFileError } from '../../core/attachments/store.js';
import type { ChannelContext } from '../../core/connector/define.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { WebConfig } from './connector.js';

export { UnsupportedFileError };

export interface StoredFile {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  /** Seconds, for a voice message. */
  duration?: number;
}

/**
 * Keeps a visitor's upload in the attachment store after checking its size and its real
 * type: the bytes are sniffed, the name and the declared type are not trusted.
 */
export async function storeUpload(ctx: ChannelContext<WebConfig>, owner: string, name: string, bytes: Buffer): Promise<StoredFile> {
  const {
    id,
    mimeType,
    size,
    name: cleanName,
  } = await ctx.attachments.put({
    owner,
    name,
    bytes,
    maxBytes: ctx.config.maxUploadBytes,
    allowedTypes: ctx.config.allowedMimeTypes,
  });
  return { id, name: cleanName, mimeType, size };
}

/** The visitor's own uploads, by id; an id that is not theirs is refused. */
export async function ownedAttachments(ctx: ChannelContext<WebConfig>, owner: string, ids: string[]): Promise<StoredFile[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('attachments')
    .select(['id', 'name', 'mime_type', 'size', 'duration_ms'])
    .where('channel_id', '=', ctx.channel.id)
    .where('owner', '=', owner)
    .where('id', 'in', ids)
    .execute();
  if (rows.length !== new Set(ids).size) throw new ValidationError('unknown attachment', [{ field: 'attachmentIds', message: 'upload the file first' }]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    mimeType: r.mime_type,
    size: Number(r.size),
    ...(r.duration_ms !== null ? { duration: r.duration_ms / 1000 } : {}),
  }));
}

/**
 * A file the visitor may see: one they uploaded, or one carried by a message (not an internal
 * note) of their own conversations on this channel. Another visitor's files, and an agent's files
 * sent to someone else or not sent yet, are "not found".
 */
export async function readAttachment(ctx: ChannelContext<WebConfig>, owner: string, id: string) {
  const row = await ctx.db
    .selectFrom('attachments')
    .select(['id', 'name', 'storage_path'])
    .where('tenant_id', '=', ctx.channel.tenantId)
    .where('channel_id', '=', ctx.channel.id)
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('owner', '=', owner),
        eb.exists(
          eb
            .selectFrom('messages as m')
            .innerJoin('conversations as co', (j) => j.onRef('co.id', '=', 'm.conversation_id').onRef('co.tenant_id', '=', 'm.tenant_id'))
            .innerJoin('contact_identities as ci', (j) => j.onRef('ci.contact_id', '=', 'co.contact_id').onRef('ci.channel_id', '=', 'co.channel_id'))
            .select(sql`1`.as('one'))
            .where('m.tenant_id', '=', ctx.channel.tenantId)
            .where('ci.channel_id', '=', ctx.channel.id)
            .where('ci.external_id', '=', owner)
            .where('m.private', '=', false)
            // The expression of the index messages_attachment_ids (migrations/0010_web.ts).
            .where(sql<boolean>`jsonb_path_query_array(m.content, '$[*].attachmentId') @> ${JSON.stringify([id])}::jsonb`),
        ),
      ]),
    )
    .executeTakeFirst();
  if (!row) throw new NotFoundError('attachment');
  return { row, bytes: await readFile(join(ctx.dataDir, row.storage_path)) };
}
