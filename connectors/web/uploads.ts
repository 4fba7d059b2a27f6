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
  const rows = await ctx.platform.files.ownedBy(owner, ids);
  if (rows.length !== new Set(ids).size) throw new ValidationError('unknown attachment', [{ field: 'attachmentIds', message: 'upload the file first' }]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    mimeType: r.mimeType,
    size: r.size,
    ...(r.durationMs !== null ? { duration: r.durationMs / 1000 } : {}),
  }));
}

/**
 * A file the visitor may see: one they uploaded, or one carried by a message (not an internal
 * note) of their own conversations on this channel. Another visitor's files, and an agent's files
 * sent to someone else or not sent yet, are "not found".
 */
export async function readAttachment(ctx: ChannelContext<WebConfig>, owner: string, id: string) {
  const found = await ctx.platform.files.visibleTo(owner, id);
  if (!found) throw new NotFoundError('attachment');
  return { row: found.file, bytes: found.bytes };
}
