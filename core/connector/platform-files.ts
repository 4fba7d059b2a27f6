import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { ChannelFiles } from './platform.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function channelFiles(db: Db, channel: { id: string; tenantId: string }, dataDir: string): ChannelFiles {
  return {
    async ownedBy(owner, ids) {
      const wanted = ids.filter((id) => UUID.test(id));
      if (wanted.length === 0) return [];
      const rows = await db
        .selectFrom('attachments')
        .select(['id', 'name', 'mime_type', 'size', 'duration_ms'])
        .where('tenant_id', '=', channel.tenantId)
        .where('channel_id', '=', channel.id)
        .where('owner', '=', owner)
        .where('id', 'in', wanted)
        .execute();
      return rows.map((r) => ({ id: r.id, name: r.name, mimeType: r.mime_type, size: Number(r.size), durationMs: r.duration_ms }));
    },
    async visibleTo(owner, id) {
      if (!UUID.test(id)) return undefined;
      const row = await db
        .selectFrom('attachments')
        .select(['id', 'name', 'storage_path'])
        .where('tenant_id', '=', channel.tenantId)
        .where('channel_id', '=', channel.id)
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
                .where('m.tenant_id', '=', channel.tenantId)
                .where('ci.channel_id', '=', channel.id)
                .where('ci.external_id', '=', owner)
                .where('m.private', '=', false)
                // The expression of the index messages_attachment_ids (migrations/0010_web.ts).
                .where(sql<boolean>`jsonb_path_query_array(m.content, '$[*].attachmentId') @> ${JSON.stringify([id])}::jsonb`),
            ),
          ]),
        )
        .executeTakeFirst();
      if (!row) return undefined;
      return { file: { id: row.id, name: row.name }, bytes: await readFile(join(dataDir, row.storage_path)) };
    },
  };
}
