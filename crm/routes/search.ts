import { z } from 'zod';
import { can } from '../../core/auth/permissions.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { search, type SearchKind } from '../search.js';
import { answer } from '../../console/server/api/answers.js';

const KINDS = ['contact', 'message', 'note', 'ticket'] as const;

const searchHitSchema = z
  .object({
    kind: z.enum(KINDS),
    id: z.string(),
    contactId: z.string().nullable().describe('what to open: the contact, or the conversation a message is in'),
    conversationId: z.string().nullable(),
    title: z.string(),
    snippet: z.string(),
    at: z.string(),
  })
  .meta({ id: 'SearchHit' });
const hits = z.object({ hits: z.array(searchHitSchema) });

/** One search box for contacts, messages, contact notes and tickets. */
export function searchRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/search',
      tag: 'search',
      summary:
        'Search contacts, messages, contact notes and tickets (Chinese and English): every word must match, Chinese characters as written side by side; only what the caller may see',
      access: { anyOf: ['contacts.view', 'conversations.view.all', 'conversations.view.group', 'conversations.view.own', 'tickets.view'] },
      query: z.object({
        q: z.string().trim().min(1).max(200),
        kinds: z
          .string()
          .optional()
          .transform((v, ctx) => {
            const list = (v ?? KINDS.join(','))
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
            for (const k of list) if (!(KINDS as readonly string[]).includes(k)) ctx.addIssue({ code: 'custom', message: `one of ${KINDS.join(', ')}` });
            return new Set(list as SearchKind[]);
          }),
        limit: z.coerce.number().int().min(1).max(50).default(20),
      }),
      responds: hits,
      handler: async ({ c, ctx, auth, query }) => {
        const kinds = new Set(query.kinds);
        // Contacts and notes need contacts.view; messages need a conversation visibility (applied by the query).
        if (!can(auth.principal, 'contacts.view')) {
          kinds.delete('contact');
          kinds.delete('note');
        }
        return answer(c, hits, { hits: await search(ctx.database.db, auth.principal, query.q, kinds, query.limit) });
      },
    }),
  ];
}
