import { sql, type RawBuilder } from 'kysely';
import { visibilityOf, type Principal } from '../core/auth/permissions.js';
import type { Db } from '../core/db/database.js';
import { visibleTo } from '../console/server/conversations/visibility.js';
import { extraSearchSources } from './search-sources.js';
import { containsPattern, contactsQuery } from './visibility.js';

export type SearchKind = 'contact' | 'message' | 'note' | 'ticket';

export interface SearchHit {
  kind: SearchKind;
  id: string;
  /** What to open: the contact, or the conversation a message is in. */
  contactId: string | null;
  conversationId: string | null;
  title: string;
  snippet: string;
  at: string;
}

const LATIN_WORD = /^[\p{Ll}\p{Lu}\p{Nd}_]+$/u;

/**
 * The text-search query for what an agent typed: every whitespace-separated term must match.
 * A term is a phrase of its words, and each CJK character is a word (see sb_search_spaced in
 * migrations/0012_crm.ts), so "退款" matches the characters 退 then 款 side by side; a plain
 * Latin or digit term also matches as a prefix, so "refun" finds "refund".
 */
export function searchQuery(q: string): RawBuilder<unknown> | undefined {
  const terms = q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
  if (terms.length === 0) return undefined;
  const parts = terms.map((term) =>
    LATIN_WORD.test(term) && !/[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/.test(term)
      ? sql`to_tsquery('simple', ${`${term}:*`})`
      : sql`phraseto_tsquery('simple', sb_search_spaced(${term}))`,
  );
  return sql`(${sql.join(parts, sql` && `)})`;
}

/** A piece of `text` around the first term found, for the result list. */
export function snippetOf(text: string, q: string, width = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const lower = flat.toLowerCase();
  const at = Math.max(
    0,
    ...q
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean)
      .map((t) => lower.indexOf(t))
      .filter((i) => i >= 0)
      .slice(0, 1),
  );
  const start = Math.max(0, at - Math.floor(width / 3));
  const piece = flat.slice(start, start + width);
  return `${start > 0 ? '…' : ''}${piece}${start + width < flat.length ? '…' : ''}`;
}

const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * How many of a tenant's newest messages the first pass of a message search reads. A word that
 * is common enough to have `limit` visible hits among them is answered from them alone; for any
 * other word, either its hits or the principal's visible messages are few enough to read whole.
 */
const NEWEST_WINDOW = 5000;

/**
 * The newest messages matching `tsquery` that the principal may see, newest first. Two passes,
 * because neither plan suits every word and the planner cannot tell which one a query needs:
 * 1. read the tenant's newest NEWEST_WINDOW messages backwards, keeping matches: when `limit`
 *    of them are visible, no older message can be among the newest hits and this is the answer
 *    (a common word: "退款" is found in a few hundred rows, where listing its hits from the index
 *    would mean sorting tens of thousands);
 * 2. otherwise take every hit, then sort: from the GIN index (a materialised CTE, so the
 *    planner cannot turn it back into a walk over the whole table), unless the principal's
 *    visible messages are fewer than five times the word's hits, then by checking each of them.
 */
async function searchMessages(db: Db, principal: Principal, tsquery: RawBuilder<unknown>, limit: number) {
  const tenantId = principal.tenantId;
  const newest = await db
    .with('m', (q) =>
      q
        .selectFrom('messages')
        .select(['id', 'tenant_id', 'conversation_id', 'content', 'created_at', sql<string>`search_vector`.as('search_vector')])
        .where('tenant_id', '=', tenantId)
        .orderBy('id', 'desc')
        .limit(NEWEST_WINDOW),
    )
    .selectFrom('m')
    .innerJoin('conversations', (j) => j.onRef('conversations.id', '=', 'm.conversation_id').onRef('conversations.tenant_id', '=', 'm.tenant_id'))
    .leftJoin('contacts', (j) => j.onRef('contacts.id', '=', 'conversations.contact_id').onRef('contacts.tenant_id', '=', 'conversations.tenant_id'))
    .select([
      'm.id',
      'm.conversation_id',
      'm.created_at',
      'conversations.contact_id',
      'contacts.name as contact_name',
      sql<string>`sb_message_text(m.content)`.as('text'),
    ])
    .where(sql<boolean>`m.search_vector @@ ${tsquery}`)
    .where((eb) => visibleTo(eb as never, principal))
    .orderBy('m.id', 'desc')
    .limit(limit)
    .execute();
  if (newest.length >= limit) return newest;

  // Every hit is needed now. From the index when the word is rare next to what the principal may
  // see; from the visible conversations' messages when they are few (an agent who sees only
  // their own conversations, searching a common word). The window tells which: among its
  // messages, how many match and how many are visible.
  let fromVisible = false;
  if (visibilityOf(principal) !== 'all') {
    const counts = await db
      .with('m', (q) =>
        q
          .selectFrom('messages')
          .select(['id', 'tenant_id', 'conversation_id', sql<string>`search_vector`.as('search_vector')])
          .where('tenant_id', '=', tenantId)
          .orderBy('id', 'desc')
          .limit(NEWEST_WINDOW),
      )
      .selectFrom('m')
      .innerJoin('conversations', (j) => j.onRef('conversations.id', '=', 'm.conversation_id').onRef('conversations.tenant_id', '=', 'm.tenant_id'))
      .select((eb) => [
        sql<number>`count(*) filter (where m.search_vector @@ ${tsquery})::int`.as('matching'),
        sql<number>`count(*) filter (where ${visibleTo(eb as never, principal)})::int`.as('visible'),
      ])
      .executeTakeFirstOrThrow();
    // Checking a visible message costs about a fifth of fetching, joining and sorting a hit.
    fromVisible = counts.visible < 5 * counts.matching;
  }
  const hits = await (fromVisible
    ? // The visible messages are materialised before the word is checked, so the planner cannot
      // combine the GIN index into a per-conversation lookup (one whole index scan per conversation).
      db
        .with(
          (w) => w('hits').materialized(),
          (q) =>
            q
              .selectFrom('messages as m')
              .innerJoin('conversations', (j) => j.onRef('conversations.id', '=', 'm.conversation_id').onRef('conversations.tenant_id', '=', 'm.tenant_id'))
              .select([
                'm.id',
                'm.tenant_id',
                'm.conversation_id',
                'm.created_at',
                'conversations.contact_id',
                sql<string>`m.search_vector`.as('search_vector'),
              ])
              .where('m.tenant_id', '=', tenantId)
              .where((eb) => visibleTo(eb as never, principal)),
        )
        .selectFrom('hits')
        .leftJoin('contacts', (j) => j.onRef('contacts.id', '=', 'hits.contact_id').onRef('contacts.tenant_id', '=', 'hits.tenant_id'))
        .select(['hits.id', 'hits.conversation_id', 'hits.created_at', 'hits.contact_id', 'contacts.name as contact_name'])
        .where(sql<boolean>`hits.search_vector @@ ${tsquery}`)
        .orderBy('hits.id', 'desc')
        .limit(limit)
        .execute()
    : db
        .with(
          (w) => w('hits').materialized(),
          (q) =>
            q
              .selectFrom('messages as m')
              .innerJoin('conversations', (j) => j.onRef('conversations.id', '=', 'm.conversation_id').onRef('conversations.tenant_id', '=', 'm.tenant_id'))
              .select(['m.id', 'm.tenant_id', 'm.conversation_id', 'm.created_at', 'conversations.contact_id'])
              .where('m.tenant_id', '=', tenantId)
              .where(sql<boolean>`m.search_vector @@ ${tsquery}`)
              .where((eb) => visibleTo(eb as never, principal)),
        )
        .selectFrom('hits')
        .leftJoin('contacts', (j) => j.onRef('contacts.id', '=', 'hits.contact_id').onRef('contacts.tenant_id', '=', 'hits.tenant_id'))
        .select(['hits.id', 'hits.conversation_id', 'hits.created_at', 'hits.contact_id', 'contacts.name as contact_name'])
        .orderBy('hits.id', 'desc')
        .limit(limit)
        .execute());
  if (hits.length === 0) return [];
  // The text of the few rows shown only, not of every hit sorted.
  const texts = new Map(
    (
      await db
        .selectFrom('messages')
        .select(['id', sql<string>`sb_message_text(content)`.as('text')])
        .where('tenant_id', '=', tenantId)
        .where(
          'id',
          'in',
          hits.map((h) => h.id),
        )
        .execute()
    ).map((r) => [String(r.id), r.text]),
  );
  return hits.map((h) => ({ ...h, text: texts.get(String(h.id)) ?? '' }));
}

/**
 * Search across contacts (name, e-mail, phone, identities, identifiers), messages, contact notes
 * and tickets, in Chinese as in English, returning only what the principal may see: contacts
 * through contact visibility, messages through their conversation's visibility.
 */
export async function search(db: Db, principal: Principal, q: string, kinds: ReadonlySet<SearchKind>, limit: number): Promise<SearchHit[]> {
  const tenantId = principal.tenantId;
  const tsquery = searchQuery(q);
  const like = containsPattern(q.trim());
  const [contacts, messages, notes, extra] = await Promise.all([
    kinds.has('contact')
      ? contactsQuery(db, principal)
          .where((eb) =>
            eb.or([
              eb('contacts.name', 'ilike', like),
              eb('contacts.email', 'ilike', like),
              eb('contacts.phone', 'ilike', like),
              eb.exists(
                eb
                  .selectFrom('contact_identities')
                  .select(sql`1`.as('one'))
                  .whereRef('contact_identities.contact_id', '=', 'contacts.id')
                  .where('contact_identities.tenant_id', '=', tenantId)
                  .where((i) => i.or([i('contact_identities.external_id', 'ilike', like), i('contact_identities.display_name', 'ilike', like)])),
              ),
              eb.exists(
                eb
                  .selectFrom('contact_handles')
                  .select(sql`1`.as('one'))
                  .whereRef('contact_handles.contact_id', '=', 'contacts.id')
                  .where('contact_handles.tenant_id', '=', tenantId)
                  .where('contact_handles.value', 'ilike', like),
              ),
            ]),
          )
          .orderBy('contacts.updated_at', 'desc')
          .limit(limit)
          .execute()
      : [],
    kinds.has('message') && tsquery ? searchMessages(db, principal, tsquery, limit) : [],
    kinds.has('note') && tsquery
      ? contactsQuery(db, principal)
          .innerJoin('contact_notes', (j) =>
            j.onRef('contact_notes.contact_id', '=', 'contacts.id').onRef('contact_notes.tenant_id', '=', 'contacts.tenant_id'),
          )
          .select(['contact_notes.id as note_id', 'contact_notes.body', 'contact_notes.created_at as note_at'])
          .where(sql<boolean>`sb_search_vector(contact_notes.body) @@ ${tsquery}`)
          .orderBy('contact_notes.created_at', 'desc')
          .limit(limit)
          .execute()
      : [],
    extraSearchSources(db, principal, q, kinds, limit),
  ]);
  return [
    ...contacts.map((c) => ({
      kind: 'contact' as const,
      id: c.id,
      contactId: c.id,
      conversationId: null,
      title: c.name ?? c.email ?? c.phone ?? '',
      snippet: [c.email, c.phone].filter(Boolean).join(' · '),
      at: iso(c.updated_at),
    })),
    ...messages.map((m) => ({
      kind: 'message' as const,
      id: String(m.id),
      contactId: m.contact_id,
      conversationId: m.conversation_id,
      title: m.contact_name ?? '',
      snippet: snippetOf(m.text ?? '', q),
      at: iso(m.created_at),
    })),
    ...notes.map((n) => ({
      kind: 'note' as const,
      id: n.note_id,
      contactId: n.id,
      conversationId: null,
      title: n.name ?? n.email ?? '',
      snippet: snippetOf(n.body, q),
      at: iso(n.note_at),
    })),
    ...extra,
  ];
}
