import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Logger } from '../log/logger.js';
import { event } from '../domain/events.js';
import { recordEvents } from '../outbox/outbox.js';

/** Which of a channel's paths failed or worked. */
export type HealthSource = 'receive' | 'send' | 'webhook';

/** How a channel is doing, as the channels list shows it. */
export interface ChannelHealthView {
  status: 'ok' | 'error';
  source: HealthSource;
  /** An admin's sentence (never a secret, never a stack); null when healthy. */
  error: string | null;
  errorAt: string | null;
  updatedAt: string;
}

/** A repeated error with new words is written at most this often per channel. */
const REPEAT_MS = 5000;
const MAX_ERROR = 500;

interface Known {
  status: 'ok' | 'error';
  source: HealthSource;
  error: string | null;
  writtenAt: number;
}

/**
 * Notes what a channel's pull loop, webhook set-up and sends found. Writes only when the state
 * changes (or a failing channel's words change, at most every few seconds): sends are a hot
 * path, and a healthy channel costs one conditional update per path and process, not one per
 * send. A success clears only an error of the same path: sends that work do not hide a mailbox
 * that cannot be read. Each change is also an event (`channel.health`), so an open channels
 * list updates at once.
 */
export class ChannelHealthRecorder {
  private readonly known = new Map<string, Known>();
  /** Paths whose success this process has already checked against the stored state. */
  private readonly checked = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly logger?: Logger,
    private readonly poke?: () => void,
  ) {}

  ok(channel: { id: string; tenantId: string }, source: HealthSource): Promise<void> {
    const known = this.known.get(channel.id);
    if (known && (known.status === 'ok' || known.source !== source)) return Promise.resolve();
    const key = `${channel.id}:${source}`;
    if (!known && this.checked.has(key)) return Promise.resolve();
    this.checked.add(key);
    return this.write(channel, source, null);
  }

  failed(channel: { id: string; tenantId: string }, source: HealthSource, error: string): Promise<void> {
    const text = readable(error);
    const known = this.known.get(channel.id);
    if (known?.status === 'error' && (known.error === text || Date.now() - known.writtenAt < REPEAT_MS)) return Promise.resolve();
    return this.write(channel, source, text);
  }

  private async write(channel: { id: string; tenantId: string }, source: HealthSource, error: string | null): Promise<void> {
    const status = error === null ? 'ok' : 'error';
    this.known.set(channel.id, { status, source, error, writtenAt: Date.now() });
    try {
      const changed = await this.db.transaction().execute(async (trx) => {
        let rows: { updated_at: Date; error_at: Date | null }[];
        if (status === 'ok') {
          // Only a channel marked failing changes; one never marked stays without a row.
          rows = await trx
            .updateTable('channel_health')
            .set({ status: 'ok', source, updated_at: sql`now()` })
            .where('channel_id', '=', channel.id)
            .where('status', '=', 'error')
            .where('source', '=', source)
            .returning(['updated_at', 'error_at'])
            .execute();
        } else {
          const values = { status: 'error' as const, source, error, error_at: sql<string>`now()`, updated_at: sql<string>`now()` };
          rows = await trx
            .insertInto('channel_health')
            .values({ channel_id: channel.id, tenant_id: channel.tenantId, ...values })
            .onConflict((oc) => oc.column('channel_id').doUpdateSet(values))
            .returning(['updated_at', 'error_at'])
            .execute();
        }
        const row = rows[0];
        if (!row) {
          // Nothing of this path was failing; what the other paths stored is not known here.
          this.known.delete(channel.id);
          return false;
        }
        const payload = {
          channelId: channel.id,
          health: { status, source, error, errorAt: row.error_at?.toISOString() ?? null, updatedAt: row.updated_at.toISOString() } satisfies ChannelHealthView,
        };
        await recordEvents(trx, [event(channel.tenantId, 'channel.health', payload)]);
        return true;
      });
      if (changed) this.poke?.();
    } catch (writeError) {
      // Forget what was noted, so the next report tries again.
      this.known.delete(channel.id);
      // A channel deleted meanwhile has nothing to mark.
      this.logger?.warn({ channelId: channel.id, err: writeError instanceof Error ? writeError.message : String(writeError) }, 'channel health not recorded');
    }
  }
}

/** One line an admin can read: no stack, no control characters, bounded. */
export function readable(error: string): string {
  const firstLine = error.split(/\r?\n\s*at /)[0] ?? error;
  const clean = [...firstLine]
    .map((ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? ' ' : ch))
    .join('')
    // A provider's path may carry a token (Telegram's bot URLs): keep only the host.
    .replace(/\b(https?:\/\/[^/\s]+)\/\S*/gi, '$1/…')
    .trim();
  return (clean || 'failed').slice(0, MAX_ERROR);
}

/** The health of a tenant's channels, by channel id. */
export async function readChannelHealth(db: Db, tenantId: string, channelId?: string): Promise<Map<string, ChannelHealthView>> {
  let query = db.selectFrom('channel_health').selectAll().where('tenant_id', '=', tenantId);
  if (channelId) query = query.where('channel_id', '=', channelId);
  const rows = await query.execute();
  return new Map(
    rows.map((r) => [
      r.channel_id,
      {
        status: r.status,
        source: r.source as HealthSource,
        error: r.status === 'error' ? r.error : null,
        errorAt: r.error_at?.toISOString() ?? null,
        updatedAt: r.updated_at.toISOString(),
      },
    ]),
  );
}
