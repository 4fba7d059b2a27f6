import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { visibilityOf, type Principal } from '../../../core/auth/permissions.js';
import type { Database } from '../../../core/db/schema.js';

/**
 * The SQL twin of `canSeeConversation`: every query that lists or finds conversations (and what
 * hangs off them: messages, contacts, search hits) filters through it, so a narrowed role never
 * receives a row it may not see.
 */
export function visibleTo(eb: ExpressionBuilder<Database, 'conversations'>, principal: Principal): Expression<SqlBool> {
  switch (visibilityOf(principal)) {
    case 'all':
      return sql<SqlBool>`true`;
    case 'group':
      return principal.groupIds.length
        ? eb.or([eb('conversations.assignee_id', '=', principal.userId), eb('conversations.group_id', 'in', [...principal.groupIds])])
        : eb('conversations.assignee_id', '=', principal.userId);
    case 'own':
      return eb('conversations.assignee_id', '=', principal.userId);
    case 'none':
      return sql<SqlBool>`false`;
  }
}
