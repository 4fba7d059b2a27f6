import { sql } from 'kysely';
import { z } from 'zod';
import { PERMISSION_NAMES } from '../../../core/auth/permissions.js';
import { ValidationError } from '../../../core/errors.js';
import { found, idParams } from '../api/checks.js';
import { decodeCursor, encodeCursor, pageQuery } from '../api/cursor.js';
import { route, type AnyRoute } from '../api/route.js';
import { audit } from '../audit.js';
import { auditNames } from '../audit-names.js';
import { API_TOKEN_PREFIX } from '../auth/authenticate.js';
import { assertHolds } from '../auth/grants.js';
import { hashToken, randomToken } from '../auth/tokens.js';
import { answer, permissionSchema } from '../api/answers.js';

const when = z.string().nullable().describe('an instant, ISO 8601 (UTC)');
const apiTokenViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.string()).describe('the permissions the token holds'),
    userId: z.string().describe('the user it acts as'),
    createdAt: when,
    lastUsedAt: when,
    revokedAt: when,
  })
  .meta({ id: 'ApiTokenView' });
const tokenList = z.object({ tokens: z.array(apiTokenViewSchema) });
const tokenCreated = apiTokenViewSchema.extend({ token: z.string().describe('the secret, shown only in this answer') });

/** One admin change, with who made it and what it was about. */
const auditEntrySchema = z
  .object({
    id: z.string(),
    actor: z.object({ type: z.enum(['user', 'api_token', 'system']), id: z.string().nullable() }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string().nullable() }),
    details: z.record(z.string(), z.unknown()),
    at: z.string(),
  })
  .meta({ id: 'AuditEntry' });
const auditPage = z.object({
  names: z.record(z.string(), z.string()).describe("'type:id' → the current name of the person or thing"),
  entries: z.array(auditEntrySchema),
  nextCursor: z.string().nullable(),
});

const tokenColumns = ['id', 'name', 'scopes', 'user_id', 'created_at', 'last_used_at', 'revoked_at'] as const;
type TokenRow = { id: string; name: string; scopes: string[]; user_id: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null };
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const tokenView = (r: TokenRow): z.infer<typeof apiTokenViewSchema> => ({
  id: r.id,
  name: r.name,
  scopes: r.scopes,
  userId: r.user_id,
  createdAt: iso(r.created_at),
  lastUsedAt: iso(r.last_used_at),
  revokedAt: iso(r.revoked_at),
});

/** API tokens for admins' scripts (shown once, stored hashed, scoped, revocable) and the audit log. */
export function apiTokenRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api-tokens',
      tag: 'admin',
      summary: 'API tokens (never their secret)',
      access: { permission: 'admin.api_tokens' },
      responds: tokenList,
      handler: async ({ c, ctx, tenant }) => {
        const rows = await ctx.database.db
          .selectFrom('api_tokens')
          .select(tokenColumns)
          .where('tenant_id', '=', tenant.id)
          .orderBy('created_at', 'desc')
          .execute();
        return answer(c, tokenList, { tokens: rows.map(tokenView) });
      },
    }),
    route({
      method: 'post',
      path: '/api-tokens',
      tag: 'admin',
      summary: 'Create an API token acting as the caller, limited to the given scopes; the token is shown only in this answer',
      access: { permission: 'admin.api_tokens' },
      body: z.object({
        name: z.string().trim().min(1).max(100),
        scopes: z.array(permissionSchema).min(1).max(PERMISSION_NAMES.length),
      }),
      example: { name: 'nightly export', scopes: ['contacts.view'] },
      responds: tokenCreated,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        assertHolds(auth.principal, body.scopes, 'the token');
        const token = randomToken(API_TOKEN_PREFIX);
        const row = await ctx.database.db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('api_tokens')
            .values({ tenant_id: tenant.id, user_id: auth.principal.userId, name: body.name, token_hash: hashToken(token), scopes: [...new Set(body.scopes)] })
            .returning(tokenColumns)
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'api_token.created', { type: 'api_token', id: created.id }, { name: body.name, scopes: body.scopes });
          return created;
        });
        return answer(c, tokenCreated, { ...tokenView(row), token }, 201);
      },
    }),
    route({
      method: 'delete',
      path: '/api-tokens/:id',
      tag: 'admin',
      summary: 'Revoke an API token',
      access: { permission: 'admin.api_tokens' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        found(await db.selectFrom('api_tokens').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'API token');
        await db.transaction().execute(async (trx) => {
          await trx
            .updateTable('api_tokens')
            .set({ revoked_at: sql`coalesce(revoked_at, now())` })
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .execute();
          await audit(trx, auth, 'api_token.revoked', { type: 'api_token', id: params.id });
        });
        return c.body(null, 204);
      },
    }),
    route({
      method: 'get',
      path: '/audit-log',
      tag: 'admin',
      summary: "Every admin change, newest first, with the current names of the people and things it names ('type:id' → name)",
      access: { permission: 'admin.audit' },
      query: z.object({
        ...pageQuery,
        actorId: z.uuid().optional(),
        kind: z
          .string()
          .regex(/^[a-z_]{1,40}$/, 'a kind of thing, such as user or api_token')
          .optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        before: z.iso.datetime({ offset: true }).optional(),
      }),
      responds: auditPage,
      handler: async ({ c, ctx, tenant, query }) => {
        let q = ctx.database.db
          .selectFrom('audit_log')
          .select(['id', 'actor_id', 'actor_type', 'action', 'target_type', 'target_id', 'details', 'created_at'])
          .where('tenant_id', '=', tenant.id);
        if (query.actorId) q = q.where('actor_id', '=', query.actorId);
        if (query.kind) q = q.where('action', 'like', `${query.kind}.%`);
        // Instants, so the console can send the agent's own midnights.
        if (query.from) q = q.where('created_at', '>=', new Date(query.from));
        if (query.before) q = q.where('created_at', '<', new Date(query.before));
        const cursor = decodeCursor(query.cursor);
        if (cursor) {
          if (!/^[1-9][0-9]{0,17}$/.test(cursor.id)) throw new ValidationError('bad cursor', [{ field: 'cursor', message: 'not a cursor this API gave out' }]);
          q = q.where('id', '<', cursor.id as never);
        }
        const rows = await q
          .orderBy('id', 'desc')
          .limit(query.limit + 1)
          .execute();
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        return answer(c, auditPage, {
          names: await auditNames(ctx.database.db, tenant.id, page),
          entries: page.map((r) => ({
            id: r.id,
            actor: { type: r.actor_type, id: r.actor_id },
            action: r.action,
            target: { type: r.target_type, id: r.target_id },
            details: r.details,
            at: new Date(r.created_at).toISOString(),
          })),
          nextCursor: rows.length > query.limit && last ? encodeCursor('', last.id) : null,
        });
      },
    }),
  ];
}
