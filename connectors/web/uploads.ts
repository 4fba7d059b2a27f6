import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { ChannelContext } from '../../core/connector/define.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { WebConfig } from './connector.js';

export class UnsupportedFileError extends ValidationError {
  constructor(message: string) {
    super(message, [{ field: 'file', message }]);
    this.name = 'UnsupportedFileError';
  }
}

export interface StoredFile {
  id: string;
  name: string;
  mimeType: string;
  size: number;
}

/**
 * Keeps a visitor's upload under DATA_DIR/attachments after checking its size and its real
 * type: the bytes are sniffed, the name and the declared type are not trusted.
 */
export async function storeUpload(ctx: ChannelContext<WebConfig>, owner: string, name: string, bytes: Buffer): Promise<StoredFile> {
  if (bytes.length === 0) throw new UnsupportedFileError('the file is empty');
  if (bytes.length > ctx.config.maxUploadBytes) throw new UnsupportedFileError(`the file exceeds ${ctx.config.maxUploadBytes} bytes`);
  const sniffed = await fileTypeFromBuffer(bytes);
  if (!sniffed || !ctx.config.allowedMimeTypes.includes(sniffed.mime)) {
    throw new UnsupportedFileError(`this kind of file is not accepted (${sniffed?.mime ?? 'unknown'}); allowed: ${ctx.config.allowedMimeTypes.join(', ')}`);
  }
  const id = randomUUID();
  const relative = join('attachments', ctx.channel.tenantId, id);
  await mkdir(join(ctx.dataDir, 'attachments', ctx.channel.tenantId), { recursive: true });
  await writeFile(join(ctx.dataDir, relative), bytes, { flag: 'wx' });
  const cleanName = name.replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 120) || `file.${sniffed.ext}`;
  await ctx.db
    .insertInto('attachments')
    .values({
      id,
      tenant_id: ctx.channel.tenantId,
      channel_id: ctx.channel.id,
      owner,
      name: cleanName,
      mime_type: sniffed.mime,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      storage_path: relative,
    } as never)
    .execute();
  return { id, name: cleanName, mimeType: sniffed.mime, size: bytes.length };
}

/** The visitor's own uploads, by id; an id that is not theirs is refused. */
export async function ownedAttachments(ctx: ChannelContext<WebConfig>, owner: string, ids: string[]): Promise<StoredFile[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('attachments')
    .select(['id', 'name', 'mime_type', 'size'])
    .where('channel_id', '=', ctx.channel.id)
    .where('owner', '=', owner)
    .where('id', 'in', ids)
    .execute();
  if (rows.length !== new Set(ids).size) throw new ValidationError('unknown attachment', [{ field: 'attachmentIds', message: 'upload the file first' }]);
  return rows.map((r) => ({ id: r.id, name: r.name, mimeType: r.mime_type, size: Number(r.size) }));
}

/** A file the visitor may see: one they uploaded, or one an agent sent on this channel. */
export async function readAttachment(ctx: ChannelContext<WebConfig>, owner: string, id: string) {
  const row = await ctx.db
    .selectFrom('attachments')
    .selectAll()
    .where('channel_id', '=', ctx.channel.id)
    .where('id', '=', id)
    .where((eb) => eb.or([eb('owner', '=', owner), eb('owner', 'like', 'agent:%')]))
    .executeTakeFirst();
  if (!row) throw new NotFoundError('attachment');
  return { row, bytes: await readFile(join(ctx.dataDir, row.storage_path)) };
}
