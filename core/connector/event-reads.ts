import type { Db } from '../db/database.js';

/**
 * What a connector's process-wide service may read to pass the platform's events on to
 * customers: the web chat's socket hub serves every web channel of the process, so no one
 * channel's context fits it. Each read is keyed by ids the event itself carries.
 */
export interface EventReads {
  /** The name of the agent who sent reply `messageId` on `channelId`; undefined for a reply by a bot or the system. */
  replyAuthor(channelId: string, messageId: string): Promise<string | undefined>;
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
    async replyAuthor(channelId, messageId) {
      if (!BIG_ID.test(messageId)) return undefined;
      const row = await db
        .selectFrom('messages as m')
        .innerJoin('users as u', 'u.id', 'm.sender_id')
        .select('u.name')
        .where('m.id', '=', messageId)
        .where('m.channel_id', '=', channelId)
        .where('m.sender_type', '=', 'agent')
        .executeTakeFirst();
      return row?.name;
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
