import { can, canSeeConversation, type Permission, type Principal } from '../../../core/auth/permissions.js';
import type { ConversationSnapshot } from '../../../core/domain/events.js';
import type { EventEnvelope } from '../../../core/outbox/outbox.js';

/** Events about people rather than conversations, which everyone signed in to the company may see. */
const COMPANY_WIDE = new Set(['agent.status', 'agent.presence']);
/** Events for one agent (`payload.agentId`). */
const PERSONAL = new Set(['callback.due', 'ticket.notify']);
/** Events for those who hold a permission (a channel's health for those who manage channels). */
const BY_PERMISSION: Record<string, Permission> = { 'channel.health': 'admin.channels', 'webhook.disabled': 'admin.webhooks' };

/**
 * Whether an event may go to a signed-in user: only their own company's; an event about a
 * conversation only if they may see the conversation (by the snapshot the event carries);
 * anything else only if it is one of the company-wide kinds. Unknown shapes go to nobody.
 */
export function mayReceive(principal: Principal, envelope: Pick<EventEnvelope, 'tenantId' | 'kind' | 'payload'>): boolean {
  if (!envelope.tenantId || envelope.tenantId !== principal.tenantId) return false;
  const conversation = envelope.payload.conversation as Partial<ConversationSnapshot> | undefined;
  if (conversation && typeof conversation === 'object') {
    return (
      canSeeConversation(principal, { groupId: conversation.groupId ?? null, assigneeId: conversation.assigneeId ?? null }) ||
      sawBefore(principal, envelope.kind, envelope.payload, conversation)
    );
  }
  // A customer is seen by whoever may see one of their conversations (the contacts' rule).
  if (envelope.kind === 'contact.updated' || envelope.kind === 'contact.created' || envelope.kind === 'contact.merged') {
    const holders = envelope.payload.holders;
    return (
      Array.isArray(holders) &&
      // The empty holder lets those who see every conversation hear of a customer with none.
      [{}, ...holders].some((h: Partial<ConversationSnapshot>) =>
        canSeeConversation(principal, { groupId: h?.groupId ?? null, assigneeId: h?.assigneeId ?? null }),
      )
    );
  }
  // Personal reminders go to their agent only.
  if (PERSONAL.has(envelope.kind)) return envelope.payload.agentId === principal.userId;
  const needed = Object.hasOwn(BY_PERMISSION, envelope.kind) ? BY_PERMISSION[envelope.kind] : undefined;
  if (needed) return can(principal, needed);
  return COMPANY_WIDE.has(envelope.kind);
}

/**
 * Whether a move (transfer, reassignment) took the conversation out of the principal's view:
 * they still get that one event, so their lists drop it live instead of failing on the next click.
 */
function sawBefore(principal: Principal, kind: string, payload: Record<string, unknown>, conversation: Partial<ConversationSnapshot>): boolean {
  if (kind === 'conversation.transferred') {
    const from = payload.from as { assigneeId?: string | null; groupId?: string | null } | undefined;
    return !!from && canSeeConversation(principal, { groupId: from.groupId ?? null, assigneeId: from.assigneeId ?? null });
  }
  if (kind === 'conversation.assigned') {
    return canSeeConversation(principal, {
      groupId: conversation.groupId ?? null,
      assigneeId: (payload.previousAssigneeId as string | null | undefined) ?? null,
    });
  }
  return false;
}
