import { fileTypeFromBuffer } from 'file-type';
import { AttachmentStore, UnsupportedFileError, type StoredFile } from '../../core/attachments/store.js';
import type { Db } from '../../core/db/database.js';
import type { Message } from '../../core/db/schema.js';
import { event } from '../../core/domain/events.js';
import type { ContentPart } from '../../core/domain/messages.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import { OutboundFailedError, OutboundRefusedError, type OutboundClient } from '../../core/net/outbound.js';
import { recordEvents } from '../../core/outbox/outbox.js';

type MediaPart = Extract<ContentPart, { type: 'image' | 'audio' | 'video' | 'file' }>;

/** The most a customer's file may weigh to be copied; a larger one stays a link. */
export const MAX_CUSTOMER_MEDIA_BYTES = 20 * 1024 * 1024;
/** A customer's slow host holds one copy this long at most, never the message itself. */
const FETCH_TIMEOUT_MS = 20_000;

/** The image types the console shows inline; anything else claiming to be an image stays a link. */
const RASTER_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

const ACCEPT: Record<MediaPart['type'], string> = {
  image: 'image/*',
  audio: 'audio/*',
  video: 'video/*',
  file: '*/*',
};

/** A media part given only by its address, which nobody tried to copy yet. */
export function waitsForCopy(part: ContentPart): part is MediaPart & { url: string } {
  return (
    (part.type === 'image' || part.type === 'audio' || part.type === 'video' || part.type === 'file') && !!part.url && !part.attachmentId && !part.unfetched
  );
}

/** Whether the bytes are what the part says it is (a page or a script served as an "image" is not). */
function fitsKind(kind: MediaPart['type'], sniffed: string | undefined): boolean {
  if (kind === 'file') return true;
  if (!sniffed) return false;
  if (kind === 'image') return RASTER_IMAGES.has(sniffed);
  return /^(audio|video)\//.test(sniffed) || sniffed === 'application/ogg';
}

type Outcome = { kind: 'stored'; file: StoredFile } | { kind: 'refused' } | { kind: 'failed'; transient: boolean };

export interface MediaCopyDeps {
  db: Db;
  outbound: OutboundClient;
  dataDir: string;
}

/**
 * Copies the media of one customer message that came only as addresses (the app API, providers
 * that pass their own URL) into the attachment store through the guarded client, so agents'
 * browsers load the copy from this server and never reach the customer's host. The message's
 * parts then name the stored file, and `message.updated` carries the new parts to the consoles.
 * A refused address, or a failure that will not mend (not found, not the kind of file it
 * claims, too large), marks the part `unfetched`: the console offers the link instead. A failure
 * that may mend (a timeout, a 5xx) leaves the part as it is and answers 'retry', unless this is
 * the last attempt.
 */
export async function copyCustomerMedia(
  deps: MediaCopyDeps,
  ref: { tenantId: string; messageId: string },
  options: { lastAttempt: boolean },
): Promise<'done' | 'retry'> {
  const message = await deps.db
    .selectFrom('messages')
    .selectAll()
    .where('tenant_id', '=', ref.tenantId)
    .where('id', '=', ref.messageId)
    .where('direction', '=', 'in')
    .where('sender_type', '=', 'contact')
    .executeTakeFirst();
  if (!message) return 'done';
  const waiting = (message.content as ContentPart[]).flatMap((part, index) => (waitsForCopy(part) ? [{ part, index }] : []));
  if (waiting.length === 0) return 'done';

  const owner = await ownerOf(deps.db, message);
  const store = new AttachmentStore(deps.db, deps.dataDir);
  const changes = new Map<number, { url: string; part: ContentPart }>();
  let retry = false;
  for (const { part, index } of waiting) {
    const outcome = await fetchInto(deps, store, message, owner, part, index);
    if (outcome.kind === 'stored') {
      const { url: _url, unfetched: _unfetched, ...kept } = part;
      const file = outcome.file;
      changes.set(index, { url: part.url, part: { ...kept, attachmentId: file.id, name: part.name ?? file.name, mimeType: file.mimeType, size: file.size } });
    } else if (outcome.kind === 'refused') {
      changes.set(index, { url: part.url, part: { ...part, unfetched: 'refused' } });
    } else if (!outcome.transient || options.lastAttempt) {
      changes.set(index, { url: part.url, part: { ...part, unfetched: 'failed' } });
    } else {
      retry = true;
    }
  }
  if (changes.size) await applyChanges(deps.db, message, changes);
  return retry ? 'retry' : 'done';
}

async function fetchInto(
  deps: MediaCopyDeps,
  store: AttachmentStore,
  message: Message,
  owner: string,
  part: MediaPart & { url: string },
  index: number,
): Promise<Outcome> {
  let response: Awaited<ReturnType<OutboundClient['fetch']>>;
  try {
    // Each redirect hop passes the same address check as the first.
    response = await deps.outbound.fetch(part.url, {
      followRedirects: true,
      timeoutMs: FETCH_TIMEOUT_MS,
      maxBytes: MAX_CUSTOMER_MEDIA_BYTES,
      headers: { accept: ACCEPT[part.type] },
    });
  } catch (error) {
    if (error instanceof OutboundRefusedError) return { kind: 'refused' };
    if (error instanceof OutboundFailedError) return { kind: 'failed', transient: true };
    throw error;
  }
  if (!response.ok) return { kind: 'failed', transient: response.status === 408 || response.status === 429 || response.status >= 500 };
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!fitsKind(part.type, (await fileTypeFromBuffer(bytes))?.mime)) return { kind: 'failed', transient: false };
  try {
    const file = await store.put(message.tenant_id, message.channel_id, {
      owner,
      name: part.name ?? nameInUrl(part.url) ?? part.type,
      bytes,
      declaredType: part.mimeType ?? response.headers.get('content-type') ?? undefined,
      maxBytes: MAX_CUSTOMER_MEDIA_BYTES,
      // A second delivery of the same event keeps the first copy.
      key: `customer-media:${message.id}:${index}`,
    });
    return { kind: 'stored', file };
  } catch (error) {
    if (error instanceof UnsupportedFileError) return { kind: 'failed', transient: false };
    throw error;
  }
}

function nameInUrl(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').pop();
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

/** The customer's id on the channel, as connectors name the owner of the files they store. */
async function ownerOf(db: Db, message: Message): Promise<string> {
  if (!message.sender_id) return 'customer';
  const identity = await db
    .selectFrom('contact_identities')
    .select('external_id')
    .where('tenant_id', '=', message.tenant_id)
    .where('channel_id', '=', message.channel_id)
    .where('contact_id', '=', message.sender_id)
    .executeTakeFirst();
  return identity?.external_id ?? `contact:${message.sender_id}`;
}

/**
 * Writes the new parts under the message's row lock, each only where the part still waits for
 * this copy (another worker may have settled it meanwhile), with `message.updated` in the outbox.
 */
async function applyChanges(db: Db, message: Message, changes: Map<number, { url: string; part: ContentPart }>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('messages')
      .selectAll()
      .where('tenant_id', '=', message.tenant_id)
      .where('id', '=', message.id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return;
    const parts = [...(row.content as ContentPart[])];
    let changed = false;
    for (const [index, change] of changes) {
      const current = parts[index];
      if (!current || !waitsForCopy(current) || current.url !== change.url) continue;
      parts[index] = change.part;
      changed = true;
    }
    if (!changed) return;
    await trx
      .updateTable('messages')
      .set({ content: JSON.stringify(parts) })
      .where('tenant_id', '=', row.tenant_id)
      .where('id', '=', row.id)
      .execute();
    const conversation = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', row.tenant_id)
      .where('id', '=', row.conversation_id)
      .executeTakeFirst();
    if (!conversation) return;
    await recordEvents(trx, [
      event(row.tenant_id, 'message.updated', { conversation: conversationSnapshot(conversation), messageId: row.id, status: row.status, parts }),
    ]);
  });
}
