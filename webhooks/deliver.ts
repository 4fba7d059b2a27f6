import { sql } from 'kysely';
import { signPayload } from '../core/connector/signatures.js';
import { openSecret } from '../core/crypto/secrets.js';
import type { Db } from '../core/db/database.js';
import { event } from '../core/domain/events.js';
import type { Logger } from '../core/log/logger.js';
import { OutboundRefusedError, OutboundTooLargeError, type OutboundClient } from '../core/net/outbound.js';
import { recordEvents } from '../core/outbox/outbox.js';
import { deliveryIdOf } from './events.js';
import { keepPlan } from '../core/db/keep-plan.js';

export const HEADER_DELIVERY = 'x-switchboard-delivery';
export const HEADER_EVENT = 'x-switchboard-event';
export const HEADER_TIMESTAMP = 'x-switchboard-timestamp';
export const HEADER_SIGNATURE = 'x-switchboard-signature';

export interface WebhookSenderOptions {
  /** Attempts of one delivery before it is failed (and kept for replay). */
  attempts?: number;
  /** The wait after the first failed attempt; it doubles after each (capped at `maxDelayMs`). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Failed attempts in a row, across deliveries, after which the webhook is disabled. */
  disableAfter?: number;
  timeoutMs?: number;
  /** Deliveries sent at once (each to its own receiver: a slow one holds only its own slot). */
  concurrency?: number;
  pollMs?: number;
}

export const webhookSecretAssociatedData = (tenantId: string, webhookId: string) => `webhook:${tenantId}:${webhookId}`;

/** The bytes a receiver gets: the stored body with the delivery id in front, the same on every attempt. */
export const bodyWithId = (rowId: string, stored: string) => `{"id":${JSON.stringify(deliveryIdOf(rowId))},${stored.slice(1)}`;

interface Claimed {
  id: string;
  tenant_id: string;
  webhook_id: string;
  kind: string;
  body: string;
  attempts: number;
  attempts_before_replay: number;
}

/**
 * Sends due deliveries from `company_webhook_deliveries`. Each pass claims a batch (FOR UPDATE
 * SKIP LOCKED, leased by moving `next_attempt_at` past the request's timeout), so any number of
 * processes share the work and a crash mid-request only delays a delivery. Each attempt is kept
 * with the receiver's answer. A failure waits base × 2^(attempt−1); after the last attempt the
 * delivery is failed and waits for a replay. After `disableAfter` failed attempts in a row the
 * webhook is disabled and its admins are told (event `webhook.disabled`).
 */
export class WebhookSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;
  private readonly o: Required<WebhookSenderOptions>;

  constructor(
    private readonly deps: { db: Db; outbound: OutboundClient; secretKey: Buffer; logger: Logger; pokeOutbox?: () => void },
    options: WebhookSenderOptions = {},
  ) {
    this.o = {
      attempts: options.attempts ?? 8,
      baseDelayMs: options.baseDelayMs ?? 30_000,
      maxDelayMs: options.maxDelayMs ?? 6 * 3_600_000,
      disableAfter: options.disableAfter ?? 50,
      timeoutMs: options.timeoutMs ?? 10_000,
      concurrency: options.concurrency ?? 16,
      pollMs: options.pollMs ?? 1000,
    };
  }

  start(): void {
    this.stopped = false;
    this.poke();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Asks for a pass now (new deliveries were recorded, or replayed). */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.runDue()
      .catch((error) => this.deps.logger.warn({ err: String(error) }, 'webhook pass failed'))
      .then(() => undefined)
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.poke();
        } else this.timer = setTimeout(() => this.poke(), this.o.pollMs);
      });
  }

  /** Sends what is due now, batch after batch; returns how many attempts were made. */
  async runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0) return total;
      await Promise.all(claimed.map((row) => this.attempt(row)));
      total += claimed.length;
      if (this.stopped) return total;
    }
  }

  private async claim(): Promise<Claimed[]> {
    const leaseMs = this.o.timeoutMs + 30_000;
    const result = await sql<Claimed>`${keepPlan}
      UPDATE company_webhook_deliveries SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
      WHERE id IN (
        SELECT id FROM company_webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now()
        ORDER BY next_attempt_at LIMIT ${this.o.concurrency}
        FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id, tenant_id, webhook_id, kind, body, attempts, attempts_before_replay`.execute(this.deps.db);
    return result.rows;
  }

  private async attempt(row: Claimed): Promise<void> {
    const { db } = this.deps;
    const hook = await db
      .selectFrom('company_webhooks')
      .select(['id', 'tenant_id', 'url', 'secret', 'enabled'])
      .where('tenant_id', '=', row.tenant_id)
      .where('id', '=', row.webhook_id)
      .executeTakeFirst();
    if (!hook) return;
    if (!hook.enabled) {
      await db
        .updateTable('company_webhook_deliveries')
        .set({ status: 'failed', last_error: 'the webhook is disabled' })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .execute();
      return;
    }
    const body = bodyWithId(row.id, row.body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    let secret: string;
    try {
      secret = openSecret(this.deps.secretKey, hook.secret, webhookSecretAssociatedData(hook.tenant_id, hook.id));
    } catch {
      // Sealed under another SECRET_KEY: nothing can be signed until an admin sets a new secret.
      await this.settle(row, hook.id, {
        status: null,
        response: null,
        error: 'the signing secret cannot be opened (SECRET_KEY changed?); set a new secret',
        durationMs: 0,
      });
      return;
    }
    const started = performance.now();
    let status: number | null = null;
    let response: string | null = null;
    let error: string | null = null;
    try {
      const answer = await this.deps.outbound.fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Switchboard-Webhook/1',
          [HEADER_DELIVERY]: deliveryIdOf(row.id),
          [HEADER_EVENT]: row.kind,
          [HEADER_TIMESTAMP]: timestamp,
          [HEADER_SIGNATURE]: signPayload(secret, timestamp, body),
        },
        body,
        timeoutMs: this.o.timeoutMs,
        maxBytes: 64 * 1024,
      });
      status = answer.status;
      response = (await answer.text()).slice(0, 1000) || null;
      if (status < 200 || status >= 300) error = `the receiver answered ${status}`;
    } catch (failure) {
      if (failure instanceof OutboundRefusedError) error = failure.message;
      else if (failure instanceof OutboundTooLargeError) error = 'the receiver answered with more than 64 KiB';
      else
        error = `the receiver could not be reached: ${failure instanceof Error ? (failure.cause instanceof Error ? failure.cause.message : failure.message) : String(failure)}`;
    }
    await this.settle(row, hook.id, { status, response, error, durationMs: Math.round(performance.now() - started) });
  }

  private async settle(
    row: Claimed,
    webhookId: string,
    outcome: { status: number | null; response: string | null; error: string | null; durationMs: number },
  ): Promise<void> {
    const attempt = row.attempts + 1;
    const ok = outcome.error === null;
    let disabled = false;
    await this.deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('company_webhook_attempts')
        .values({
          delivery_id: row.id,
          attempt,
          status_code: outcome.status,
          error: outcome.error,
          response: outcome.response,
          duration_ms: outcome.durationMs,
        })
        .execute();
      const sinceReplay = attempt - row.attempts_before_replay;
      const last = sinceReplay >= this.o.attempts;
      const delayMs = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (sinceReplay - 1));
      await trx
        .updateTable('company_webhook_deliveries')
        .set({
          attempts: attempt,
          last_status_code: outcome.status,
          last_error: outcome.error,
          status: ok ? 'delivered' : last ? 'failed' : 'pending',
          delivered_at: ok ? sql`now()` : null,
          next_attempt_at: sql`now() + make_interval(secs => ${delayMs / 1000})`,
        })
        .where('id', '=', row.id)
        .execute();
      const hook = await trx
        .updateTable('company_webhooks')
        .set({ failure_streak: ok ? 0 : sql`failure_streak + 1` })
        .where('id', '=', webhookId)
        .returning(['tenant_id', 'name', 'url', 'failure_streak', 'enabled'])
        .executeTakeFirst();
      if (!ok && hook?.enabled && hook.failure_streak >= this.o.disableAfter) {
        const reason = `disabled after ${hook.failure_streak} failed attempts in a row (last: ${outcome.error})`;
        await trx
          .updateTable('company_webhooks')
          .set({ enabled: false, disabled_reason: reason, disabled_at: sql`now()`, updated_at: sql`now()` })
          .where('id', '=', webhookId)
          .execute();
        // What was still waiting is failed, to be replayed once the receiver works again.
        await trx
          .updateTable('company_webhook_deliveries')
          .set({ status: 'failed', last_error: sql`coalesce(last_error, 'the webhook was disabled')` })
          .where('webhook_id', '=', webhookId)
          .where('status', '=', 'pending')
          .execute();
        await trx
          .insertInto('audit_log')
          .values({
            tenant_id: hook.tenant_id,
            actor_id: null,
            actor_type: 'system',
            action: 'webhook.disabled',
            target_type: 'webhook',
            target_id: webhookId,
            details: JSON.stringify({ reason }),
          })
          .execute();
        await recordEvents(trx, [event(hook.tenant_id, 'webhook.disabled', { webhook: { id: webhookId, name: hook.name, url: hook.url }, reason })]);
        disabled = true;
      }
    });
    if (disabled) {
      this.deps.logger.warn({ webhookId }, 'company webhook disabled after a failure streak');
      this.deps.pokeOutbox?.();
    }
  }
}
