import { sql } from 'kysely';
import { z } from 'zod';
import type { Context } from '../../../core/context.js';
import { visibilityOf } from '../../../core/auth/permissions.js';
import { ConflictError, ForbiddenError } from '../../../core/errors.js';
import { idParams, found, requireOwned } from '../api/checks.js';
import { route, type AnyRoute, type Auth } from '../api/route.js';
import { audit } from '../audit.js';
import { assertMayAssignRole, assertNotLastAdmin, assertWithinReach } from '../auth/grants.js';
import { deleteUserSessions } from '../auth/sessions.js';
import { issueUserToken } from '../auth/user-tokens.js';
import type { ConsoleServices } from '../services.js';
import { companyBaseUrl, type TenantRef } from '../tenancy.js';
import { userView, userViews } from '../views.js';
import { answer, userViewSchema } from '../api/answers.js';

const invited = z.object({ user: userViewSchema, invitationSent: z.boolean(), invitationLink: z.string() });
const invitation = z.object({
  invitationSent: z.boolean().describe('whether the mail left through SMTP'),
  invitationLink: z.string().describe('the activation link, shown once to the admin'),
});
const resetSent = z.object({ mailSent: z.boolean(), resetLink: z.string() });

const inviteBody = z.object({
  email: z
    .email()
    .max(320)
    .transform((v) => v.toLowerCase()),
  name: z.string().trim().min(1).max(200),
  roleId: z.uuid(),
  groupIds: z.array(z.uuid()).min(1, 'an agent belongs to at least one group').max(100),
});

const updateBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    roleId: z.uuid().optional(),
    groupIds: z.array(z.uuid()).min(1, 'an agent belongs to at least one group').max(100).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });

/**
 * What the inviting admin is told: whether the mail left, and the link itself, shown once to
 * them alone so an invitation reaches its agent even without SMTP (or when the mail is lost).
 */
interface LinkAnswer {
  invitationSent: boolean;
  link: string;
}

async function mailLink(ctx: Context, services: ConsoleServices, to: string, subject: string, text: string, what: string): Promise<boolean> {
  try {
    await services.mailer.send({ to, subject, text });
    return services.mailer.delivery.kind === 'smtp';
  } catch (error) {
    ctx.logger.error({ err: error instanceof Error ? error.message : String(error) }, `${what} mail failed`);
    return false;
  }
}

async function sendInvitation(
  ctx: Context,
  services: ConsoleServices,
  tenant: TenantRef,
  user: { id: string; email: string; name: string },
): Promise<LinkAnswer> {
  const token = await issueUserToken(ctx.database.db, tenant.id, user.id, 'activation');
  const link = `${await companyBaseUrl(ctx.database.db, ctx.config, tenant)}/activate?token=${encodeURIComponent(token)}`;
  const text = `Hello ${user.name},\n\nan account was created for you at ${tenant.name}. Open this link to choose your password (valid for 7 days):\n\n${link}\n`;
  return { invitationSent: await mailLink(ctx, services, user.email, `You are invited to ${tenant.name}`, text, 'invitation'), link };
}

async function setStatus(ctx: Context, auth: Auth, tenantId: string, id: string, status: 'active' | 'deactivated') {
  const db = ctx.database.db;
  const user = found(
    await db.selectFrom('users').select(['id', 'account_status']).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    'user',
  );
  await assertWithinReach(db, auth.principal, id);
  if (status === 'active' && user.account_status === 'invited') throw new ConflictError('the user has not activated the account yet');
  await db.transaction().execute(async (trx) => {
    if (status === 'deactivated') await assertNotLastAdmin(trx, tenantId, id);
    await trx
      .updateTable('users')
      .set({ account_status: status, status_changed_at: sql`now()` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
    await audit(trx, auth, status === 'active' ? 'user.reactivated' : 'user.deactivated', { type: 'user', id });
  });
  if (status === 'deactivated') await deleteUserSessions(db, tenantId, id);
  return userView(db, tenantId, id);
}

export function userRoutes(services: ConsoleServices): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/users',
      tag: 'users',
      summary: "The company's users (agents and admins)",
      access: { anyOf: ['admin.agents', 'conversations.assign', 'conversations.transfer'] },
      responds: z.object({ users: z.array(userViewSchema) }),
      handler: async ({ c, ctx, tenant }) => c.json({ users: await userViews(ctx.database.db, tenant.id) }),
    }),
    route({
      method: 'get',
      path: '/users/:id',
      tag: 'users',
      summary: 'One user',
      access: { anyOf: ['admin.agents', 'conversations.assign', 'conversations.transfer'] },
      params: idParams,
      responds: userViewSchema,
      handler: async ({ c, ctx, tenant, params }) => answer(c, userViewSchema, found(await userView(ctx.database.db, tenant.id, params.id), 'user')),
    }),
    route({
      method: 'post',
      path: '/users',
      tag: 'users',
      summary: 'Create an agent (one role, one or more groups); they get an activation e-mail',
      access: { permission: 'admin.agents' },
      body: inviteBody,
      example: {
        email: 'new.agent@example.com',
        name: 'New Agent',
        roleId: '00000000-0000-4000-8000-000000000000',
        groupIds: ['00000000-0000-4000-8000-000000000000'],
      },
      responds: invited,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        await requireOwned(db, 'roles', tenant.id, [body.roleId], 'roleId');
        await requireOwned(db, 'groups', tenant.id, body.groupIds, 'groupIds');
        await assertMayAssignRole(db, auth.principal, body.roleId);
        const user = await db.transaction().execute(async (trx) => {
          const taken = await trx
            .selectFrom('users')
            .select('id')
            .where('tenant_id', '=', tenant.id)
            .where((eb) => eb(eb.fn('lower', ['email']), '=', body.email))
            .executeTakeFirst();
          if (taken) throw new ConflictError('a user with that e-mail exists');
          const row = await trx
            .insertInto('users')
            .values({ tenant_id: tenant.id, email: body.email, name: body.name, role_id: body.roleId, password_hash: null })
            .returning(['id', 'email', 'name'])
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('group_members')
            .values([...new Set(body.groupIds)].map((groupId) => ({ tenant_id: tenant.id, group_id: groupId, user_id: row.id })))
            .execute();
          await audit(trx, auth, 'user.invited', { type: 'user', id: row.id }, { email: body.email, roleId: body.roleId, groupIds: body.groupIds });
          return row;
        });
        const sent = await sendInvitation(ctx, services, tenant, user);
        return answer(
          c,
          invited,
          { user: found(await userView(db, tenant.id, user.id), 'user'), invitationSent: sent.invitationSent, invitationLink: sent.link },
          201,
        );
      },
    }),
    route({
      method: 'patch',
      path: '/users/:id',
      tag: 'users',
      summary: "Change a user's name, role or groups",
      access: { permission: 'admin.agents' },
      params: idParams,
      body: updateBody,
      example: { name: 'Renamed' },
      responds: userViewSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        const user = found(
          await db.selectFrom('users').select(['id', 'role_id']).where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'user',
        );
        if (body.roleId) await requireOwned(db, 'roles', tenant.id, [body.roleId], 'roleId');
        if (body.groupIds) await requireOwned(db, 'groups', tenant.id, body.groupIds, 'groupIds');
        const self = user.id === auth.principal.userId;
        const roleChanges = body.roleId !== undefined && body.roleId !== user.role_id;
        if (!self) await assertWithinReach(db, auth.principal, user.id);
        if (roleChanges) {
          if (self) throw new ForbiddenError('you cannot change your own role');
          await assertMayAssignRole(db, auth.principal, body.roleId!);
        }
        // A group is a grant too for a caller who sees by group: joining every group shows every conversation.
        if (self && body.groupIds && visibilityOf(auth.principal) !== 'all' && body.groupIds.some((g) => !auth.principal.groupIds.includes(g))) {
          throw new ForbiddenError('you cannot add yourself to groups: it would widen what you see');
        }
        await db.transaction().execute(async (trx) => {
          if (roleChanges) await assertNotLastAdmin(trx, tenant.id, user.id);
          if (body.name || body.roleId) {
            await trx
              .updateTable('users')
              .set({ ...(body.name ? { name: body.name } : {}), ...(body.roleId ? { role_id: body.roleId } : {}) })
              .where('tenant_id', '=', tenant.id)
              .where('id', '=', user.id)
              .execute();
          }
          if (body.groupIds) {
            await trx.deleteFrom('group_members').where('tenant_id', '=', tenant.id).where('user_id', '=', user.id).execute();
            await trx
              .insertInto('group_members')
              .values([...new Set(body.groupIds)].map((groupId) => ({ tenant_id: tenant.id, group_id: groupId, user_id: user.id })))
              .execute();
          }
          await audit(trx, auth, 'user.updated', { type: 'user', id: user.id }, body);
        });
        return answer(c, userViewSchema, found(await userView(db, tenant.id, user.id), 'user'));
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/deactivate',
      tag: 'users',
      summary: 'Deactivate a user: they are signed out and cannot sign in',
      access: { permission: 'admin.agents' },
      params: idParams,
      responds: userViewSchema,
      handler: async ({ c, ctx, tenant, auth, params }) =>
        answer(c, userViewSchema, found(await setStatus(ctx, auth, tenant.id, params.id, 'deactivated'), 'user')),
    }),
    route({
      method: 'post',
      path: '/users/:id/reactivate',
      tag: 'users',
      summary: 'Reactivate a deactivated user',
      access: { permission: 'admin.agents' },
      params: idParams,
      responds: userViewSchema,
      handler: async ({ c, ctx, tenant, auth, params }) => answer(c, userViewSchema, found(await setStatus(ctx, auth, tenant.id, params.id, 'active'), 'user')),
    }),
    route({
      method: 'post',
      path: '/users/:id/invitation',
      tag: 'users',
      summary: 'Send the activation e-mail again (the earlier link stops working)',
      access: { permission: 'admin.agents' },
      params: idParams,
      responds: invitation,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const user = found(
          await db
            .selectFrom('users')
            .select(['id', 'email', 'name', 'account_status'])
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .executeTakeFirst(),
          'user',
        );
        if (user.account_status !== 'invited') throw new ConflictError('the account is already activated');
        await assertWithinReach(db, auth.principal, user.id);
        await audit(db, auth, 'user.invitation_resent', { type: 'user', id: user.id });
        const sent = await sendInvitation(ctx, services, tenant, user);
        return answer(c, invitation, { invitationSent: sent.invitationSent, invitationLink: sent.link }, 202);
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/password-reset',
      tag: 'users',
      summary: 'Send an active user a password-reset link; the link is also in the answer, for the admin to pass on',
      access: { permission: 'admin.agents' },
      params: idParams,
      responds: resetSent,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const user = found(
          await db
            .selectFrom('users')
            .select(['id', 'email', 'name', 'account_status'])
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .executeTakeFirst(),
          'user',
        );
        if (user.account_status !== 'active')
          throw new ConflictError(
            user.account_status === 'invited' ? 'the user has not activated the account yet: send the invitation again' : 'the account is deactivated',
          );
        await assertWithinReach(db, auth.principal, user.id);
        const token = await issueUserToken(db, tenant.id, user.id, 'reset');
        const link = `${await companyBaseUrl(ctx.database.db, ctx.config, tenant)}/reset-password?token=${encodeURIComponent(token)}`;
        await audit(db, auth, 'user.password_reset_sent', { type: 'user', id: user.id });
        const text = `Hello ${user.name},\n\nan administrator of ${tenant.name} started a password reset for you. Open this link to choose a new password (valid for one hour):\n\n${link}\n`;
        const mailSent = await mailLink(ctx, services, user.email, `Reset your password at ${tenant.name}`, text, 'reset');
        return answer(c, resetSent, { mailSent, resetLink: link }, 202);
      },
    }),
  ];
}
