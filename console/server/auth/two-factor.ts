import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { renderSVG } from 'uqr';
import type { Config } from '../../../core/config/config.js';
import { openSecret, sealSecret } from '../../../core/crypto/secrets.js';
import type { Db } from '../../../core/db/database.js';
import { hashToken, randomToken } from './tokens.js';

/** RFC 6238 as every authenticator app reads it: SHA-1, six digits, 30-second steps. */
const PERIOD = 30;
const RECOVERY_CODES = 10;
/** Between the password and the code: long enough to find the phone, short enough to be useless later. */
const CHALLENGE_MS = 10 * 60_000;

const secretAad = (tenantId: string, userId: string) => `two-factor:${tenantId}:${userId}`;

function totp(secretBase32: string, label = '', issuer = 'Switchboard'): TOTP {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: 6, period: PERIOD });
}

export interface TwoFactorState {
  enabled: boolean;
  required: boolean;
  recoveryCodesLeft: number;
}

export async function twoFactorState(db: Db, tenantId: string, userId: string): Promise<TwoFactorState> {
  const [row, tenant, codes] = await Promise.all([
    db.selectFrom('user_two_factor').select('enabled_at').where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst(),
    db.selectFrom('tenants').select('two_factor_required').where('id', '=', tenantId).executeTakeFirstOrThrow(),
    db
      .selectFrom('two_factor_recovery_codes')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return { enabled: Boolean(row?.enabled_at), required: tenant.two_factor_required, recoveryCodesLeft: row?.enabled_at ? codes.n : 0 };
}

/**
 * Starts (or starts over) an enrolment: a new secret, sealed at rest, not yet in force. The secret
 * is answered this once, as text and as a QR code of its otpauth:// address; never again.
 */
export async function beginEnrolment(
  db: Db,
  config: Config,
  input: { tenantId: string; userId: string; email: string; companyName: string },
): Promise<{ secret: string; otpauthUrl: string; qrSvg: string }> {
  const secret = new Secret({ size: 20 }).base32;
  const sealed = sealSecret(config.secretKey, secret, secretAad(input.tenantId, input.userId));
  const pending = await db
    .insertInto('user_two_factor')
    .values({ tenant_id: input.tenantId, user_id: input.userId, secret: sealed, enabled_at: null, last_step: null })
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'user_id'])
        .doUpdateSet({ secret: sealed, last_step: null, created_at: sql`now()` })
        .where('user_two_factor.enabled_at', 'is', null),
    )
    .returning('user_id')
    .executeTakeFirst();
  if (!pending) throw new TwoFactorAlreadyOn();
  const otpauthUrl = totp(secret, input.email, `Switchboard (${input.companyName})`).toString();
  return { secret, otpauthUrl, qrSvg: renderSVG(otpauthUrl, { border: 2 }) };
}

export class TwoFactorAlreadyOn extends Error {
  constructor() {
    super('two-factor sign-in is already on; turn it off first');
    this.name = 'TwoFactorAlreadyOn';
  }
}

/**
 * Whether `code` is the user's current TOTP code (one step of clock drift either way), taking it
 * in the same statement: the step is remembered and a code of that step or an earlier one is
 * refused, so a code seen over someone's shoulder or in a proxy log is worth nothing.
 * `pending` checks the secret of an enrolment not yet confirmed instead of the one in force.
 */
export async function acceptCode(db: Db, config: Config, input: { tenantId: string; userId: string; code: string; pending?: boolean }): Promise<boolean> {
  const code = input.code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) return false;
  const row = await db
    .selectFrom('user_two_factor')
    .select(['secret', 'enabled_at'])
    .where('tenant_id', '=', input.tenantId)
    .where('user_id', '=', input.userId)
    .executeTakeFirst();
  if (!row || Boolean(row.enabled_at) === Boolean(input.pending)) return false;
  const now = Date.now();
  const delta = totp(openSecret(config.secretKey, row.secret, secretAad(input.tenantId, input.userId))).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return false;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  const taken = await db
    .updateTable('user_two_factor')
    .set({ last_step: step, ...(input.pending ? { enabled_at: sql`now()` } : {}) })
    .where('tenant_id', '=', input.tenantId)
    .where('user_id', '=', input.userId)
    .where('secret', '=', row.secret)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', String(step))]))
    .returning('user_id')
    .executeTakeFirst();
  return Boolean(taken);
}

/** Ten new recovery codes (the old ones stop working); answered once, stored as hashes. */
export async function issueRecoveryCodes(db: Db, tenantId: string, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES }, recoveryCode);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('two_factor_recovery_codes').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
    await trx
      .insertInto('two_factor_recovery_codes')
      .values(codes.map((code) => ({ tenant_id: tenantId, user_id: userId, code_hash: hashToken(normalise(code)) })))
      .execute();
  });
  return codes;
}

/** Spends a recovery code: true once, false for an unknown or used one. */
export async function spendRecoveryCode(db: Db, input: { tenantId: string; userId: string; code: string }): Promise<boolean> {
  const spent = await db
    .updateTable('two_factor_recovery_codes')
    .set({ used_at: sql`now()` })
    .where('tenant_id', '=', input.tenantId)
    .where('user_id', '=', input.userId)
    .where('code_hash', '=', hashToken(normalise(input.code)))
    .where('used_at', 'is', null)
    .returning('code_hash')
    .executeTakeFirst();
  return Boolean(spent);
}

/** Turns two-factor sign-in off for a user: the secret and the recovery codes go. */
export async function removeTwoFactor(db: Db, tenantId: string, userId: string): Promise<boolean> {
  const removed = await db.deleteFrom('user_two_factor').where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
  await db.deleteFrom('two_factor_recovery_codes').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
  return Number(removed.numDeletedRows) > 0;
}

// 10 characters of Crockford's base32 (50 bits): typed from paper, no 0/O or 1/I to confuse.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function recoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
const normalise = (code: string) => code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');

/**
 * The step between a correct password and the code: a random token, kept only as its hash, for
 * one user, for ten minutes. `code` asks for the code; `enrol` (the company requires two-factor
 * and the user has none yet) lets the user set it up and nothing else.
 */
export async function openChallenge(db: Db, input: { tenantId: string; userId: string; kind: 'code' | 'enrol' }): Promise<string> {
  const token = randomToken();
  await db.deleteFrom('sign_in_challenges').where('expires_at', '<', sql<Date>`now()`).execute();
  await db
    .insertInto('sign_in_challenges')
    .values({
      token_hash: hashToken(token),
      tenant_id: input.tenantId,
      user_id: input.userId,
      kind: input.kind,
      expires_at: new Date(Date.now() + CHALLENGE_MS),
    })
    .execute();
  return token;
}

export async function findChallenge(db: Db, tenantId: string, token: string, kind: 'code' | 'enrol'): Promise<{ userId: string } | undefined> {
  const row = await db
    .selectFrom('sign_in_challenges')
    .select('user_id')
    .where('token_hash', '=', hashToken(token))
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', kind)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row ? { userId: row.user_id } : undefined;
}

/** Ends a challenge; true only for the request that ended it, so one challenge opens one session. */
export async function spendChallenge(db: Db, tenantId: string, token: string): Promise<boolean> {
  const spent = await db.deleteFrom('sign_in_challenges').where('token_hash', '=', hashToken(token)).where('tenant_id', '=', tenantId).executeTakeFirst();
  return Number(spent.numDeletedRows) > 0;
}
