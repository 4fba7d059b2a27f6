import type { Context as HonoContext } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { sql } from 'kysely';
import type { Config } from '../../../core/config/config.js';
import type { Db } from '../../../core/db/database.js';
import { RateLimitedError } from '../errors.js';

/**
 * The caller's address. Behind TRUST_PROXY=n proxies it is the n-th X-Forwarded-For hop from the
 * right: the one the outermost trusted proxy added. Hops to its left were sent by the client and
 * could say anything.
 */
export function clientAddress(c: HonoContext, config: Config): string {
  const hops = config.console.trustProxyHops;
  if (hops > 0) {
    const forwarded = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean);
    // Fewer hops than proxies: every hop there was still added by one of them.
    const added = forwarded[Math.max(0, forwarded.length - hops)];
    if (added) return added;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * One sign-in step being tried: `account` names what is guessed (`password:<e-mail>`, or
 * `code:<user id>` for the second step) within the company, `ip` who guesses.
 */
export interface SignInAttempt {
  tenantId: string;
  account: string;
  ip: string;
}

const pairKey = (a: SignInAttempt) => `pair:${a.tenantId}:${a.account}:${a.ip}`;
const addressKey = (a: SignInAttempt) => `ip:${a.ip}`;

/**
 * Counts an attempt before its password or code is looked at, and refuses it (429 with
 * Retry-After) while this account-and-address pair, or this address, must wait. Every attempt
 * counts until it succeeds; past the free ones, each further attempt doubles the wait (1 s, 2 s,
 * 4 s, … up to SIGN_IN_MAX_DELAY_SECONDS). The counter is raised and checked in the one upsert
 * that locks its row, so parallel guesses queue behind each other and no more than the free
 * ones are evaluated. The account alone is never locked: a stranger's guesses from elsewhere do
 * not stop its owner.
 */
export async function claimSignInAttempt(db: Db, config: Config, attempt: SignInAttempt): Promise<void> {
  const { freeFailures, freeFailuresPerIp, maxDelayMs, forgetMs } = config.console.signIn;
  await db.transaction().execute(async (trx) => {
    // Always the pair first, then the address: two attempts sharing a row lock them in one order.
    for (const [key, free] of [
      [pairKey(attempt), freeFailures],
      [addressKey(attempt), freeFailuresPerIp],
    ] as const) {
      const forgotten = sql`d.last_at < clock_timestamp() - ${forgetMs}::float8 * interval '1 millisecond'`;
      const next = sql`CASE WHEN ${forgotten} THEN 1 ELSE d.failures + 1 END`;
      const wait = (count: unknown) =>
        sql`clock_timestamp() + CASE WHEN ${count} < ${free}::int THEN interval '0' ELSE least(power(2, ${count} - ${free}::int) * 1000, ${maxDelayMs}::float8) * interval '1 millisecond' END`;
      const claimed = await sql<{ failures: number }>`
        INSERT INTO sign_in_delays AS d (key, failures, retry_at, last_at)
        VALUES (${key}, 1, ${wait(sql`1`)}, clock_timestamp())
        ON CONFLICT (key) DO UPDATE SET failures = ${next}, retry_at = ${wait(next)}, last_at = clock_timestamp()
        WHERE d.retry_at <= clock_timestamp() OR ${forgotten}
        RETURNING failures`.execute(trx);
      if (claimed.rows.length === 0) {
        const row = await trx.selectFrom('sign_in_delays').select('retry_at').where('key', '=', key).executeTakeFirst();
        const waitMs = row ? new Date(row.retry_at).getTime() - Date.now() : 1000;
        throw new RateLimitedError('too many failed attempts; wait before trying again', Math.max(1, Math.ceil(waitMs / 1000)));
      }
    }
  });
}

/**
 * A success: this pair starts over, and the address gets back the attempt it was charged (it is
 * not reset: signing in to one's own account must not wash away guesses at others).
 */
export async function releaseSignInAttempt(db: Db, attempt: SignInAttempt): Promise<void> {
  await db.deleteFrom('sign_in_delays').where('key', '=', pairKey(attempt)).execute();
  await db.updateTable('sign_in_delays').set({ failures: sql`greatest(failures - 1, 0)` }).where('key', '=', addressKey(attempt)).execute();
}

/** Drops rows nobody has used for longer than they can matter. */
export async function forgetOldSignInDelays(db: Db, config: Config): Promise<void> {
  const { maxDelayMs, forgetMs } = config.console.signIn;
  await db
    .deleteFrom('sign_in_delays')
    .where('last_at', '<', new Date(Date.now() - forgetMs - maxDelayMs))
    .execute();
}
