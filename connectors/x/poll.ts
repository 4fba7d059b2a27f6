import { ApiRequestError, ApiResponseError, type MediaObjectV2, type TwitterRateLimit, type UserV2 } from 'twitter-api-v2';
import type { PullContext } from '../../core/connector/define.js';
import { xClient } from './client.js';
import type { XConfig } from './connector.js';
import type { PolledPayload } from './normalize.js';

/**
 * Where the poll stands, kept in the channel's cursor row. `seen` holds the DMs of the last
 * `OVERLAP_MS` already handed over, so a DM that X lists a little late (behind a newer one) is
 * still picked up, and one listed twice is not handed over twice.
 */
export interface PollCursor {
  userId?: string;
  /** Set on the first poll: DMs older than this (the backfill) are never taken. */
  since?: string;
  /** created_at of the newest DM handed over. */
  newestAt?: string;
  seen?: [id: string, at: string][];
}

const OVERLAP_MS = 2 * 60_000;
const PAGE_SIZE = 100;
/** DMs handed to the bus at once; the cursor moves after each batch is confirmed. */
const BATCH = 25;
const MAX_BACKOFF_MS = 15 * 60_000;
/** A page that has not come in this time is given up (and asked for again after a back-off). */
const REQUEST_TIMEOUT_MS = 30_000;

const QUERY = {
  event_types: 'MessageCreate',
  'dm_event.fields': 'id,text,event_type,created_at,sender_id,dm_conversation_id,attachments,participant_ids',
  expansions: 'sender_id,attachments.media_keys',
  'user.fields': 'name,username',
  'media.fields': 'media_key,type,url,preview_image_url',
};

/** `GET /2/dm_events` as asked for here (the library does not export its DM types). */
interface DmEvent {
  id: string;
  event_type: string;
  text?: string;
  sender_id?: string;
  created_at?: string;
  attachments?: { media_keys?: string[] };
}
interface DmEventsPage {
  data?: DmEvent[];
  includes?: { users?: UserV2[]; media?: MediaObjectV2[] };
  meta?: { result_count?: number; next_token?: string };
}

interface Page {
  events: DmEvent[];
  includes: DmEventsPage['includes'];
  next?: string;
  rateLimit?: TwitterRateLimit;
}

/** Waits, or returns early when the loop must stop. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** How long the rate-limit headers say to wait before the next call: until the window resets when none is left. */
export function rateLimitWait(rateLimit: TwitterRateLimit | undefined, now = Date.now()): number {
  if (!rateLimit || rateLimit.remaining > 0 || !Number.isFinite(rateLimit.reset)) return 0;
  return Math.max(0, rateLimit.reset * 1000 - now) + 1000;
}

/**
 * The poll over `GET /2/dm_events` (newest first, 30 days kept). Each round pages back to the
 * newest DM already handed over (less an overlap), then hands the new ones to the bus oldest
 * first, in batches, and moves the cursor only after the bus confirmed a batch: a loop killed
 * at any point starts again from the last confirmed DM — nothing skipped, and a batch published
 * but not yet noted is stored once by the router's dedupe on the DM id. It waits as long as the
 * rate-limit headers say, and backs off on 429, 5xx and network errors.
 */
export async function pollDirectMessages(ctx: PullContext<XConfig>): Promise<void> {
  if (ctx.config.receive === 'webhook') {
    // Nothing to poll: hold the slot until the loop is stopped (a returning loop is restarted).
    while (!ctx.signal.aborted) await pause(2 ** 31 - 1, ctx.signal);
    return;
  }
  const client = xClient(ctx);
  let failures = 0;
  while (!ctx.signal.aborted) {
    let waitMs = ctx.config.pollIntervalSeconds * 1000;
    try {
      const cursor = (await ctx.cursor.load()) as PollCursor;
      if (!cursor.userId) {
        const me = await client.me();
        cursor.userId = me.data.id;
        cursor.since ??= new Date(Date.now() - ctx.config.backfillHours * 3600_000).toISOString();
        await ctx.cursor.save({ ...cursor });
      }
      const { fresh, rateLimit } = await collectNew(client, cursor, ctx);
      if (ctx.signal.aborted) return;
      ctx.logger.debug({ fresh: fresh.length, newestAt: cursor.newestAt ?? null }, 'x poll round');
      await handOver(ctx, cursor, fresh);
      failures = 0;
      waitMs = Math.max(waitMs, rateLimitWait(rateLimit));
    } catch (error) {
      if (ctx.signal.aborted) return;
      failures++;
      waitMs = backoffFor(error, failures);
      ctx.logger.warn({ err: describe(error), retryInMs: waitMs }, 'x poll failed');
    }
    await pause(waitMs, ctx.signal);
  }
}

function backoffFor(error: unknown, failures: number): number {
  const exponential = Math.min(MAX_BACKOFF_MS, 2000 * 2 ** (failures - 1));
  if (error instanceof ApiResponseError) {
    const untilReset = rateLimitWait(error.rateLimit ? { ...error.rateLimit, remaining: 0 } : undefined);
    if (error.code === 429) return untilReset || exponential;
    if (error.code === 401 || error.code === 403) return MAX_BACKOFF_MS; // credentials or access level: an admin must act
  }
  return exponential;
}

function describe(error: unknown): string {
  if (error instanceof ApiResponseError) return `X answered ${error.code}: ${JSON.stringify(error.data).slice(0, 300)}`;
  if (error instanceof ApiRequestError) return `X unreachable: ${error.requestError.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function fetchPage(client: ReturnType<typeof xClient>, token: string | undefined): Promise<Page> {
  const response = await client.get<DmEventsPage>(
    'dm_events',
    { ...QUERY, max_results: PAGE_SIZE, ...(token ? { pagination_token: token } : {}) },
    { fullResponse: true, timeout: REQUEST_TIMEOUT_MS },
  );
  return { events: response.data.data ?? [], includes: response.data.includes, next: response.data.meta?.next_token, rateLimit: response.rateLimit };
}

/** Pages back from the newest DM to where the cursor stands; returns the new DMs, oldest first. */
async function collectNew(client: ReturnType<typeof xClient>, cursor: PollCursor, ctx: PullContext<XConfig>) {
  const seen = new Set((cursor.seen ?? []).map(([id]) => id));
  // Never before the start fixed at the first poll (not a moving "now", so nothing that arrives
  // between two empty polls is passed over); after a first DM, the overlap behind the newest.
  const since = Date.parse(cursor.since ?? new Date(0).toISOString());
  const stopBefore = cursor.newestAt ? Math.max(Date.parse(cursor.newestAt) - OVERLAP_MS, since) : since;
  const fresh: PolledPayload[] = [];
  let token: string | undefined;
  let rateLimit: TwitterRateLimit | undefined;
  for (;;) {
    const page = await fetchPage(client, token);
    rateLimit = page.rateLimit;
    let reachedEnd = false;
    for (const event of page.events) {
      const at = event.created_at ? Date.parse(event.created_at) : Number.NaN;
      if (Number.isFinite(at) && at < stopBefore) {
        reachedEnd = true;
        break;
      }
      if (seen.has(event.id)) continue;
      const keys = event.attachments?.media_keys ?? [];
      fresh.push({
        for_user_id: cursor.userId!,
        dm_event: event,
        users: (page.includes?.users ?? []).filter((u) => u.id === event.sender_id),
        media: (page.includes?.media ?? []).filter((m) => keys.includes(m.media_key)),
      });
    }
    if (reachedEnd || !page.next || ctx.signal.aborted) break;
    token = page.next;
    const wait = rateLimitWait(rateLimit);
    if (wait > 0) await pause(wait, ctx.signal);
  }
  return { fresh: fresh.reverse(), rateLimit };
}

/** Hands DMs to the bus in batches; the cursor moves only after each batch is confirmed. */
async function handOver(ctx: PullContext<XConfig>, cursor: PollCursor, fresh: PolledPayload[]): Promise<void> {
  for (let i = 0; i < fresh.length && !ctx.signal.aborted; i += BATCH) {
    const batch = fresh.slice(i, i + BATCH);
    // Echoes (the account's own DMs) are handed over too: normalize drops them, and they still move the cursor.
    await ctx.accept(batch);
    let newestAt = cursor.newestAt ? Date.parse(cursor.newestAt) : 0;
    const seen = new Map(cursor.seen ?? []);
    for (const payload of batch) {
      const at = payload.dm_event.created_at ?? new Date().toISOString();
      seen.set(payload.dm_event.id, at);
      newestAt = Math.max(newestAt, Date.parse(at));
    }
    cursor.newestAt = new Date(newestAt).toISOString();
    cursor.seen = [...seen].filter(([, at]) => Date.parse(at) >= newestAt - OVERLAP_MS);
    await ctx.cursor.save({ ...cursor });
  }
}
