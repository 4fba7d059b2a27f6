import { sql } from 'kysely';
import type { Principal } from '../core/auth/permissions.js';
import type { Db } from '../core/db/database.js';
import { visibleTo } from '../console/server/conversations/visibility.js';
import { extraTimelineSources } from './timeline-sources.js';

/** One entry of a customer's history, whatever it came from. */
export interface TimelineItem {
  kind: 'conversation' | 'call' | 'business_record' | 'callback_plan' | 'note' | 'merge' | 'ticket';
  id: string;
  at: string;
  /** A short line for the list: a subject, the first words of a message, a note. */
  title: string;
  detail: Record<string, unknown>;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const snippet = (text: string | null | undefined, max = 140) => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * A customer's history across channels, newest first: conversations (with their first message),
 * calls, business records, callback plans, notes and merges. Whatever hangs off a conversation
 * shows only when the principal may see that conversation. `limit` bounds each source and the
 * whole list.
 */
export async function contactTimeline(db: Db, principal: Principal, contactId: string, limit = 100): Promise<TimelineItem[]> {
  const tenantId = principal.tenantId;
  const [conversations, calls, records, plans, notes, merges, extra] = await Promise.all([
    db
      .selectFrom('conversations')
      .innerJoin('channels', (j) => j.onRef('channels.id', '=', 'conversations.channel_id').onRef('channels.tenant_id', '=', 'conversations.tenant_id'))
      .select([
        'conversations.id',
        'conversations.status',
        'conversations.subject',
        'conversations.kind',
        'conversations.created_at',
        'conversations.last_message_at',
        'channels.type as channel_type',
        'channels.name as channel_name',
        sql<string | null>`(select sb_message_text(m.content) from messages m where m.conversation_id = conversations.id order by m.id limit 1)`.as(
          'first_text',
        ),
      ])
      .where('conversations.tenant_id', '=', tenantId)
      .where('conversations.contact_id', '=', contactId)
      .where((eb) => visibleTo(eb, principal))
      .orderBy('conversations.created_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('calls')
      .innerJoin('conversations', (j) =>
        j.onRef('conversations.channel_id', '=', 'calls.channel_id').onRef('conversations.thread_key', '=', 'calls.provider_call_id'),
      )
      .select([
        'calls.id',
        'calls.direction',
        'calls.from_number',
        'calls.to_number',
        'calls.started_at',
        'calls.talk_seconds',
        'calls.disposition',
        'conversations.id as conversation_id',
      ])
      .where('calls.tenant_id', '=', tenantId)
      .where('conversations.tenant_id', '=', tenantId)
      .where('conversations.contact_id', '=', contactId)
      .where((eb) => visibleTo(eb as never, principal))
      .orderBy('calls.started_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('business_records as r')
      .innerJoin('conversations', (j) => j.onRef('conversations.id', '=', 'r.conversation_id').onRef('conversations.tenant_id', '=', 'r.tenant_id'))
      .select(['r.id', 'r.subject', 'r.body', 'r.call_id', 'r.conversation_id', 'r.created_at'])
      .where('r.tenant_id', '=', tenantId)
      .where('r.contact_id', '=', contactId)
      .where((eb) => visibleTo(eb as never, principal))
      .orderBy('r.created_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('callback_plans')
      .select(['id', 'phone', 'due_at', 'note', 'status', 'result', 'agent_id', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .where('contact_id', '=', contactId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('contact_notes')
      .leftJoin('users', (j) => j.onRef('users.id', '=', 'contact_notes.author_id').onRef('users.tenant_id', '=', 'contact_notes.tenant_id'))
      .select(['contact_notes.id', 'contact_notes.body', 'contact_notes.author_id', 'users.name as author_name', 'contact_notes.created_at'])
      .where('contact_notes.tenant_id', '=', tenantId)
      .where('contact_notes.contact_id', '=', contactId)
      .orderBy('contact_notes.created_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('contact_merges')
      .leftJoin('contacts as s', (j) => j.onRef('s.id', '=', 'contact_merges.source_id').onRef('s.tenant_id', '=', 'contact_merges.tenant_id'))
      .select([
        'contact_merges.id',
        'contact_merges.source_id',
        'contact_merges.target_id',
        's.name as source_name',
        'contact_merges.created_at',
        'contact_merges.undone_at',
      ])
      .where('contact_merges.tenant_id', '=', tenantId)
      .where('contact_merges.target_id', '=', contactId)
      .orderBy('contact_merges.created_at', 'desc')
      .limit(limit)
      .execute(),
    extraTimelineSources(db, principal, contactId, limit),
  ]);
  const items: TimelineItem[] = [
    ...conversations.map((c) => ({
      kind: 'conversation' as const,
      id: c.id,
      at: iso(c.created_at),
      title: snippet(c.subject ?? c.first_text),
      detail: {
        status: c.status,
        kind: c.kind,
        channelType: c.channel_type,
        channelName: c.channel_name,
        lastMessageAt: c.last_message_at ? iso(c.last_message_at) : null,
      },
    })),
    ...calls.map((c) => ({
      kind: 'call' as const,
      id: c.id,
      at: iso(c.started_at),
      title: c.direction === 'in' ? c.from_number : c.to_number,
      detail: { direction: c.direction, talkSeconds: c.talk_seconds, disposition: c.disposition, conversationId: c.conversation_id },
    })),
    ...records.map((r) => ({
      kind: 'business_record' as const,
      id: r.id,
      at: iso(r.created_at),
      title: snippet(r.subject),
      detail: { body: snippet(r.body, 400), callId: r.call_id, conversationId: r.conversation_id },
    })),
    ...plans.map((p) => ({
      kind: 'callback_plan' as const,
      id: p.id,
      at: iso(p.created_at),
      title: snippet(p.note) || p.phone,
      detail: { phone: p.phone, dueAt: iso(p.due_at), status: p.status, result: p.result, agentId: p.agent_id },
    })),
    ...notes.map((n) => ({
      kind: 'note' as const,
      id: n.id,
      at: iso(n.created_at),
      title: snippet(n.body),
      detail: { body: n.body, authorId: n.author_id, authorName: n.author_name },
    })),
    ...merges.map((m) => ({
      kind: 'merge' as const,
      id: m.id,
      at: iso(m.created_at),
      title: m.source_name ?? '',
      detail: { sourceId: m.source_id, targetId: m.target_id, undoneAt: m.undone_at ? iso(m.undone_at) : null },
    })),
    ...extra,
  ];
  return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}
