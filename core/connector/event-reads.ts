import type { Db } from '../db/database.js';

/**
 * What a connector's process-wide service may read to pass the platform's events on to
 * customers: the web chat's socket hub serves every web channel of the process, so no one
 * channel's context fits it. Each read is keyed by ids the event itself carries.
 */
export interface EventReads {
  /** Who sent reply `messageId` on `channelId`: an agent (with their name), the answer bot or the system. */
  replySender(channelId: string, messageId: string): Promise<{ type: 'agent' | 'system' | 'bot'; name?: string } | undefined>;
  /** Every id the contact has on the channel (a visitor on several devices has one each). */
  customerIds(contactId: string, channelId: string): Promise<string[]>;
  /**
   * The customer's own ids (`<externalId>:<their id>`) of their latest messages up to `upTo` in
   * the conversation that are read, at most 50.
   */
  readClientIds(tenantId: string, conversationId: string, externalId: string, upTo: string): Promise<string[]>;
  /** An agent's name. */
  agentName(userId: string): Promise<string | null>;
}

const BIG_ID = /^\d{1,19}$/;

export function eventReads(db: Db): EventReads {
  return {
    async replySender(channelId, messageId) {
      if (!BIG_ID.test(messageId)) return undefined;
      const row = await db
        .selectFrom('messages as m')
        .leftJoin('users as u', 'u.id', 'm.sender_id')
        .select(['m.sender_type', 'u.name'])
        .where('m.id', '=', messageId)
        .where('m.channel_id', '=', channelId)
        .where('m.direction', '=', 'out')
        .executeTakeFirst();
      if (!row || row.sender_type === 'contact') return undefined;
      return row.sender_type === 'agent' && row.name ? { type: 'agent', name: row.name } : { type: row.sender_type };
    },
    async customerIds(contactId, channelId) {
      const rows = await db
        .selectFrom('contact_identities')
        .select('external_id')
        .where('contact_id', '=', contactId)
        .where('channel_id', '=', channelId)
        .execute();
      return rows.map((r) => r.external_id);
    },
    async readClientIds(tenantId, conversationId, externalId, upTo) {
      if (!BIG_ID.test(upTo)) return [];
      const rows = await db
        .selectFrom('messages')
        .select('external_id')
        .where('tenant_id', '=', tenantId)
        .where('conversation_id', '=', conversationId)
        .where('direction', '=', 'in')
        .where('status', '=', 'read')
        .where('id', '<=', upTo)
        .where('external_id', 'like', `${externalId.replace(/[\\%_]/g, '\\$&')}:%`)
        .orderBy('id', 'desc')
        .limit(50)
        .execute();
      return rows.map((r) => r.external_id!.slice(externalId.length + 1));
    },
    async agentName(userId) {
      const row = await db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
      return row?.name ?? null;
    },
  };
}
