import { withTransaction, type Db } from '../core/db/database.js';
import { ConflictError } from '../core/errors.js';
import { lockTicket } from './changes.js';
import { addComment } from './comments.js';

/**
 * What other modules may do to a ticket: read which conversation it came from, and add an
 * internal note written by the system (the assistant's summary when a conversation is escalated).
 * Given a transaction, the note is written in it, beside the caller's own writes.
 */
export async function ticketConversation(db: Db, tenantId: string, ticketId: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('tickets').select('conversation_id').where('tenant_id', '=', tenantId).where('id', '=', ticketId).executeTakeFirst();
  return row ? row.conversation_id : undefined;
}

/** Adds a system's internal note to a ticket; answers false when the ticket is closed and takes none. */
export async function addSystemNote(db: Db, tenantId: string, ticketId: string, body: string): Promise<boolean> {
  return withTransaction(db, async (trx) => {
    const ticket = await lockTicket(trx, tenantId, ticketId);
    try {
      await addComment(trx, ticket, { body, public: false }, { actor: { type: 'system', id: null }, now: new Date() });
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  });
}
