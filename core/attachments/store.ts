import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Db } from '../db/database.js';
import { NotFoundError, ValidationError } from '../errors.js';

// A file and how to keep one are the connector SDK's shapes: every channel stores files through them.
import type { PutOptions, StoredFile } from '@switchboard/connector-sdk';

export type { PutOptions, StoredFile };

/** The audio name of a container that also holds video, for a file known to hold sound only. */
const AUDIO_CONTAINERS: Record<string, string> = {
  'video/webm': 'audio/webm',
  'video/mp4': 'audio/mp4',
  'video/ogg': 'audio/ogg',
  'video/quicktime': 'audio/mp4',
};

export class UnsupportedFileError extends ValidationError {
  constructor(message: string) {
    super(message, [{ field: 'file', message }]);
    this.name = 'UnsupportedFileError';
  }
}

const MIME_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * The file name as the sender gave it (fullwidth brackets, emoji and all), with only what a
 * file name cannot safely hold replaced by `_`: control and format characters (direction
 * overrides that disguise an extension), line breaks, and the characters file systems refuse
 * (`<>:"|?*`). The path goes; a name is at most 120 characters and never starts with a dot.
 */
export function cleanFileName(name: string, fallbackExt = 'bin'): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = Array.from(base.replace(/[\p{C}\p{Zl}\p{Zp}<>:"|?*]/gu, '_').replace(/^\.+/, ''))
    .slice(0, 120)
    .join('')
    .trim();
  return cleaned || `file.${fallbackExt}`;
}

/**
 * Files of one tenant's channels, under DATA_DIR/attachments/<tenant>/<id>, with a row in
 * `attachments`. The real type is sniffed from the bytes; the declared type and the name are
 * only trusted where the bytes say nothing. Every read is scoped by tenant.
 */
export class AttachmentStore {
  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
  ) {}

  async put(tenantId: string, channelId: string, options: PutOptions): Promise<StoredFile> {
    const { bytes } = options;
    if (options.key !== undefined) {
      const kept = await this.byKey(tenantId, channelId, options.key);
      if (kept) return kept;
    }
    if (bytes.length === 0) throw new UnsupportedFileError('the file is empty');
    if (options.maxBytes !== undefined && bytes.length > options.maxBytes) {
      throw new UnsupportedFileError(`the file exceeds ${options.maxBytes} bytes`);
    }
    const sniffed = await fileTypeFromBuffer(bytes);
    const declared = options.declaredType?.toLowerCase().split(';')[0]?.trim();
    const found = sniffed?.mime ?? (declared && MIME_PATTERN.test(declared) ? declared : 'application/octet-stream');
    const mimeType = options.audio ? (AUDIO_CONTAINERS[found] ?? found) : found;
    if (options.allowedTypes && !options.allowedTypes.includes(mimeType)) {
      throw new UnsupportedFileError(`this kind of file is not accepted (${mimeType}); allowed: ${options.allowedTypes.join(', ')}`);
    }
    const id = randomUUID();
    const relative = join('attachments', tenantId, id);
    const absolute = join(this.dataDir, relative);
    await mkdir(join(this.dataDir, 'attachments', tenantId), { recursive: true });
    // Written aside and renamed, so a crash never leaves a half file under a stored id.
    await writeFile(`${absolute}.part`, bytes, { flag: 'w' });
    await rename(`${absolute}.part`, absolute);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const name = cleanFileName(options.name, sniffed?.ext);
    const durationMs = options.durationMs === undefined ? undefined : Math.max(0, Math.round(options.durationMs));
    const inserted = await this.db
      .insertInto('attachments')
      .values({
        id,
        tenant_id: tenantId,
        channel_id: channelId,
        owner: options.owner,
        name,
        mime_type: mimeType,
        size: bytes.length,
        sha256,
        storage_path: relative,
        source_key: options.key ?? null,
        duration_ms: durationMs ?? null,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'channel_id', 'source_key']).where('source_key', 'is not', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted && options.key !== undefined) {
      // Another process kept the same file a moment earlier: use that one, drop this copy.
      await unlink(absolute).catch(() => {});
      const kept = await this.byKey(tenantId, channelId, options.key);
      if (kept) return kept;
    }
    return { id, name, mimeType, size: bytes.length, sha256, ...(durationMs !== undefined ? { durationMs } : {}) };
  }

  private async byKey(tenantId: string, channelId: string, key: string): Promise<StoredFile | undefined> {
    const row = await this.db
      .selectFrom('attachments')
      .select(['id', 'name', 'mime_type', 'size', 'sha256', 'duration_ms'])
      .where('tenant_id', '=', tenantId)
      .where('channel_id', '=', channelId)
      .where('source_key', '=', key)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        name: row.name,
        mimeType: row.mime_type,
        size: Number(row.size),
        sha256: row.sha256,
        ...(row.duration_ms !== null ? { durationMs: row.duration_ms } : {}),
      }
    );
  }

  /** The file's record, scoped by tenant; NotFoundError when it is not this tenant's. */
  async info(tenantId: string, id: string): Promise<StoredFile & { channelId: string; owner: string }> {
    if (!UUID.test(id)) throw new NotFoundError('attachment');
    const row = await this.db
      .selectFrom('attachments')
      .select(['id', 'name', 'mime_type', 'size', 'sha256', 'channel_id', 'owner', 'duration_ms'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('attachment');
    return {
      id: row.id,
      name: row.name,
      mimeType: row.mime_type,
      size: Number(row.size),
      sha256: row.sha256,
      channelId: row.channel_id,
      owner: row.owner,
      ...(row.duration_ms !== null ? { durationMs: row.duration_ms } : {}),
    };
  }

  /** The file's record and bytes, scoped by tenant. */
  async read(tenantId: string, id: string): Promise<{ file: StoredFile & { channelId: string; owner: string }; bytes: Buffer }> {
    const file = await this.info(tenantId, id);
    const bytes = await readFile(join(this.dataDir, 'attachments', tenantId, file.id));
    return { file, bytes };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
