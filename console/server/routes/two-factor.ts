import type { Context as HonoContext } from 'hono';
import { z } from 'zod';
import { can, loadPrincipal } from '../../../core/auth/permissions.js';
import type { Context } from '../../../core/context.js';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../../../core/errors.js';
import { idParams } from '../api/checks.js';
import { publicRoute, route, type AnyRoute, type Auth } from '../api/route.js';
import { audit } from '../audit.js';
import { applySignInStatus } from '../auth/sign-in-status.js';
import { createSession, deleteUserSessions, setSessionCookie } from '../auth/sessions.js';
import { claimSignInAttempt, clientAddress, forgetOldSignInDelays, releaseSignInAttempt } from '../auth/throttle.js';
import {
  acceptCode,
  beginEnrolment,
  findChallenge,
  issueRecoveryCodes,
  removeTwoFactor,
  spendChallenge,
  spendRecoveryCode,
  TwoFactorAlreadyOn,
  twoFactorState,
} from '../auth/two-factor.js';
import type { TenantRef } from '../tenancy.js';
import { userView } from '../views.js';
import { answer, twoFactorStateSchema, userViewSchema } from '../api/answers.js';

const code = z.string().trim().min(1).max(20);
const recoveryCode = z.string().trim().min(1).max(40);
const challenge = z.string().min(10).max(200);
const oneOf = (b: { code?: string; recoveryCode?: string }) => Boolean(b.code) !== Boolean(b.recoveryCode);
const secondStep = z
  .object({ code: code.optional(), recoveryCode: recoveryCode.optional() })
  .refine(oneOf, { message: 'send either code or recoveryCode', path: ['code'] });
const secondSignInStep = z
  .object({ challenge, code: code.optional(), recoveryCode: recoveryCode.optional() })
  .refine(oneOf, { message: 'send either code or recoveryCode', path: ['code'] });

/**
 * Checks a second factor, throttled like the password (per user and address, and per address):
 * a TOTP code, taken once, or — where `allowRecovery` — a recovery code, spent.
 */
async function checkSecondFactor(
  c: HonoContext,
  ctx: Context,
  input: { tenantId: string; userId: string; code?: string; recoveryCode?: string; pending?: boolean },
): Promise<boolean> {
  const db = ctx.database.db;
  const attempt = { tenantId: input.tenantId, account: `code:${input.userId}`, ip: clientAddress(c, ctx.config) };
  await claimSignInAttempt(db, ctx.config, attempt);
  const ok = input.code
    ? await acceptCode(db, ctx.config, { tenantId: input.tenantId, userId: input.userId, code: input.code, pending: input.pending })
    : input.recoveryCode && !input.pending
      ? await spendRecoveryCode(db, { tenantId: input.tenantId, userId: input.userId, code: input.recoveryCode })
      : false;
  if (ok) await releaseSignInAttempt(db, attempt);
  else await forgetOldSignInDelays(db, ctx.config);
  return ok;
}

async function openSession(c: HonoContext, ctx: Context, tenant: TenantRef, userId: string) {
  const session = await createSession(ctx.database.db, ctx.config, { tenantId: tenant.id, userId, via: 'password' });
  setSessionCookie(c, ctx.config, session.token);
  await applySignInStatus(ctx, tenant.id, userId);
  const user = await userView(ctx.database.db, tenant.id, userId);
  if (!user) throw new NotFoundError('user');
  return { user, csrfToken: session.csrfToken };
}

/** Two-factor settings change only in a browser session: an API token must not turn its owner's second step off. */
function sessionOnly(auth: Auth): void {
  if (auth.via !== 'session') throw new ForbiddenError('two-factor sign-in is changed from a signed-in browser, not with an API token');
}

/** A new two-factor secret, shown once: for the authenticator app to scan or to type in. */
const enrolmentSchema = z
  .object({ secret: z.string().describe('base32, to type in'), otpauthUrl: z.string(), qrSvg: z.string().describe('the otpauth address as a QR code (SVG)') })
  .meta({ id: 'TwoFactorEnrolment' });
const opened = { user: userViewSchema, csrfToken: z.string() };
const signedInWithCode = z.object({ ...opened, recoveryCodesLeft: z.number() });
const enrolledAtSignIn = z.object({ ...opened, recoveryCodes: z.array(z.string()).describe('shown only in this answer') });
const recoveryCodes = z.object({ recoveryCodes: z.array(z.string()).describe('shown only in this answer') });
const turnedOn = recoveryCodes.extend({ enabled: z.literal(true) });
const signInSettingsSchema = z
  .object({ twoFactorRequired: z.boolean(), agentStatusOnSignIn: z.enum(['keep', 'online', 'away']).describe('the status agents start a sign-in with') })
  .meta({ id: 'SignInSettings' });

const twoFactorReset = z.object({ reset: z.boolean().describe('whether the user had it on'), sessionsEnded: z.number() });

const wrongCode = () => new ValidationError('the code is wrong or was already used', [{ field: 'code', message: 'wrong or already used' }]);

async function enrolmentFor(ctx: Context, tenant: TenantRef, userId: string) {
  const user = await userView(ctx.database.db, tenant.id, userId);
  if (!user) throw new NotFoundError('user');
  try {
    return await beginEnrolment(ctx.database.db, ctx.config, { tenantId: tenant.id, userId, email: user.email, companyName: tenant.name });
  } catch (error) {
    throw error instanceof TwoFactorAlreadyOn ? new ConflictError(error.message) : error;
  }
}

/**
 * Two-factor sign-in (TOTP, RFC 6238, with ten one-time recovery codes). The password step
 * answers a challenge instead of a session when the user has it on (or the company requires it
 * and the user must set it up first); the steps below turn the challenge into a session.
 */
export function twoFactorRoutes(): AnyRoute[] {
  return [
    publicRoute({
      method: 'post',
      path: '/session/two-factor',
      tag: 'account',
      summary: 'Second sign-in step: the challenge from the password step and a code from the app, or a recovery code',
      body: secondSignInStep,
      example: { challenge: 'not-a-real-challenge', code: '123456' },
      responds: signedInWithCode,
      handler: async ({ c, ctx, tenant, body }) => {
        const db = ctx.database.db;
        const found = await findChallenge(db, tenant.id, body.challenge, 'code');
        if (!found) throw new UnauthorizedError('the sign-in took too long or was already finished; sign in again');
        if (!(await checkSecondFactor(c, ctx, { tenantId: tenant.id, userId: found.userId, ...body })))
          throw new UnauthorizedError('wrong or already used code');
        if (!(await spendChallenge(db, tenant.id, body.challenge))) throw new UnauthorizedError('the sign-in was already finished; sign in again');
        const session = await openSession(c, ctx, tenant, found.userId);
        return answer(c, signedInWithCode, { ...session, recoveryCodesLeft: (await twoFactorState(db, tenant.id, found.userId)).recoveryCodesLeft });
      },
    }),
    publicRoute({
      method: 'post',
      path: '/session/two-factor/enrolment',
      tag: 'account',
      summary: 'When the company requires two-factor sign-in: start setting it up with the challenge from the password step',
      body: z.object({ challenge }),
      example: { challenge: 'not-a-real-challenge' },
      responds: enrolmentSchema,
      handler: async ({ c, ctx, tenant, body }) => {
        const found = await findChallenge(ctx.database.db, tenant.id, body.challenge, 'enrol');
        if (!found) throw new UnauthorizedError('the sign-in took too long or was already finished; sign in again');
        return answer(c, enrolmentSchema, await enrolmentFor(ctx, tenant, found.userId));
      },
    }),
    publicRoute({
      method: 'post',
      path: '/session/two-factor/enrolment/confirm',
      tag: 'account',
      summary: 'Confirm the new two-factor setup with a first code: turns it on, opens the session, answers the recovery codes once',
      body: z.object({ challenge, code }),
      example: { challenge: 'not-a-real-challenge', code: '123456' },
      responds: enrolledAtSignIn,
      handler: async ({ c, ctx, tenant, body }) => {
        const db = ctx.database.db;
        const found = await findChallenge(db, tenant.id, body.challenge, 'enrol');
        if (!found) throw new UnauthorizedError('the sign-in took too long or was already finished; sign in again');
        if (!(await checkSecondFactor(c, ctx, { tenantId: tenant.id, userId: found.userId, code: body.code, pending: true }))) throw wrongCode();
        if (!(await spendChallenge(db, tenant.id, body.challenge))) throw new UnauthorizedError('the sign-in was already finished; sign in again');
        const codes = await issueRecoveryCodes(db, tenant.id, found.userId);
        return answer(c, enrolledAtSignIn, { ...(await openSession(c, ctx, tenant, found.userId)), recoveryCodes: codes });
      },
    }),

    route({
      method: 'get',
      path: '/me/two-factor',
      tag: 'account',
      summary: "Whether the signed-in user's two-factor sign-in is on, whether the company requires it, and how many recovery codes are left",
      access: { signedIn: true },
      responds: twoFactorStateSchema,
      handler: async ({ c, ctx, tenant, auth }) => answer(c, twoFactorStateSchema, await twoFactorState(ctx.database.db, tenant.id, auth.principal.userId)),
    }),
    route({
      method: 'post',
      path: '/me/two-factor/enrolment',
      tag: 'account',
      summary: 'Start turning two-factor sign-in on: answers the secret (as text, otpauth:// address and QR code) this once',
      access: { signedIn: true },
      responds: enrolmentSchema,
      handler: async ({ c, ctx, tenant, auth }) => {
        sessionOnly(auth);
        return answer(c, enrolmentSchema, await enrolmentFor(ctx, tenant, auth.principal.userId));
      },
    }),
    route({
      method: 'post',
      path: '/me/two-factor/enrolment/confirm',
      tag: 'account',
      summary: 'Confirm with a first code: two-factor sign-in is on from now, and the ten recovery codes are answered once',
      access: { signedIn: true },
      body: z.object({ code }),
      example: { code: '123456' },
      responds: turnedOn,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        sessionOnly(auth);
        const db = ctx.database.db;
        if (!(await checkSecondFactor(c, ctx, { tenantId: tenant.id, userId: auth.principal.userId, code: body.code, pending: true }))) throw wrongCode();
        const codes = await issueRecoveryCodes(db, tenant.id, auth.principal.userId);
        await audit(db, auth, 'user.two_factor_enabled', { type: 'user', id: auth.principal.userId });
        return answer(c, turnedOn, { enabled: true, recoveryCodes: codes });
      },
    }),
    route({
      method: 'post',
      path: '/me/two-factor/recovery-codes',
      tag: 'account',
      summary: 'Replace the recovery codes (the old ones stop working), confirmed with a current code',
      access: { signedIn: true },
      body: z.object({ code }),
      example: { code: '123456' },
      responds: recoveryCodes,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        sessionOnly(auth);
        if (!(await checkSecondFactor(c, ctx, { tenantId: tenant.id, userId: auth.principal.userId, code: body.code }))) throw wrongCode();
        return answer(c, recoveryCodes, { recoveryCodes: await issueRecoveryCodes(ctx.database.db, tenant.id, auth.principal.userId) });
      },
    }),
    route({
      method: 'post',
      path: '/me/two-factor/disable',
      tag: 'account',
      summary: 'Turn two-factor sign-in off, confirmed with a current code or a recovery code (not while the company requires it)',
      access: { signedIn: true },
      body: secondStep,
      example: { code: '123456' },
      responds: z.object({ enabled: z.literal(false) }),
      handler: async ({ c, ctx, tenant, auth, body }) => {
        sessionOnly(auth);
        const db = ctx.database.db;
        const state = await twoFactorState(db, tenant.id, auth.principal.userId);
        if (!state.enabled) throw new ConflictError('two-factor sign-in is not on');
        if (state.required) throw new ConflictError('your company requires two-factor sign-in');
        if (!(await checkSecondFactor(c, ctx, { tenantId: tenant.id, userId: auth.principal.userId, ...body }))) throw wrongCode();
        await removeTwoFactor(db, tenant.id, auth.principal.userId);
        await audit(db, auth, 'user.two_factor_disabled', { type: 'user', id: auth.principal.userId });
        return answer(c, z.object({ enabled: z.literal(false) }), { enabled: false });
      },
    }),

    route({
      method: 'delete',
      path: '/users/:id/two-factor',
      tag: 'agents',
      summary: "Reset a user's two-factor sign-in (a lost phone): it is off, their sessions end, and a company that requires it makes them set it up again",
      access: { permission: 'admin.agents' },
      params: idParams,
      responds: twoFactorReset,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const target = await loadPrincipal(db, tenant.id, params.id);
        if (!target) throw new NotFoundError('user');
        // Whoever may not do all the target may do must not weaken the target's sign-in.
        const missing = [...target.permissions].filter((p) => !can(auth.principal, p));
        if (missing.length > 0) throw new ForbiddenError(`the user holds permissions you do not: ${missing.slice(0, 3).join(', ')}`);
        const removed = await removeTwoFactor(db, tenant.id, params.id);
        const sessions = removed ? await deleteUserSessions(db, tenant.id, params.id) : 0;
        await audit(db, auth, 'user.two_factor_reset', { type: 'user', id: params.id }, { hadTwoFactor: removed });
        return answer(c, twoFactorReset, { reset: removed, sessionsEnded: sessions });
      },
    }),

    route({
      method: 'get',
      path: '/sign-in-settings',
      tag: 'single sign-on',
      summary:
        'Whether the company requires two-factor sign-in for password sign-ins, and the status agents start a sign-in with (keep the last one, online, away)',
      access: { permission: 'admin.sso' },
      responds: signInSettingsSchema,
      handler: async ({ c, ctx, tenant }) => {
        const row = await ctx.database.db
          .selectFrom('tenants')
          .select(['two_factor_required', 'agent_status_on_sign_in'])
          .where('id', '=', tenant.id)
          .executeTakeFirstOrThrow();
        return answer(c, signInSettingsSchema, { twoFactorRequired: row.two_factor_required, agentStatusOnSignIn: row.agent_status_on_sign_in });
      },
    }),
    route({
      method: 'put',
      path: '/sign-in-settings',
      tag: 'single sign-on',
      summary:
        'Require two-factor sign-in (from their next password sign-in, users without it must set it up before they get in); choose the status agents start a sign-in with. Either may be left out',
      access: { permission: 'admin.sso' },
      body: z.object({ twoFactorRequired: z.boolean().optional(), agentStatusOnSignIn: z.enum(['keep', 'online', 'away']).optional() }),
      example: { twoFactorRequired: false, agentStatusOnSignIn: 'keep' },
      responds: signInSettingsSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const row = await ctx.database.db.transaction().execute(async (trx) => {
          const changes = {
            ...(body.twoFactorRequired === undefined ? {} : { two_factor_required: body.twoFactorRequired }),
            ...(body.agentStatusOnSignIn === undefined ? {} : { agent_status_on_sign_in: body.agentStatusOnSignIn }),
          };
          if (Object.keys(changes).length) {
            await trx.updateTable('tenants').set(changes).where('id', '=', tenant.id).execute();
            await audit(trx, auth, 'sign_in.settings_updated', { type: 'tenant', id: tenant.id }, body);
          }
          return trx.selectFrom('tenants').select(['two_factor_required', 'agent_status_on_sign_in']).where('id', '=', tenant.id).executeTakeFirstOrThrow();
        });
        return answer(c, signInSettingsSchema, { twoFactorRequired: row.two_factor_required, agentStatusOnSignIn: row.agent_status_on_sign_in });
      },
    }),
  ];
}
