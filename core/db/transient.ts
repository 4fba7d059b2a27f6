/**
 * Errors that say "the database was not reachable for a moment" rather than "this work is
 * wrong": a restart or failover cuts sessions (57P01 admin_shutdown, "Connection terminated"),
 * refuses new ones while it starts (57P03, ECONNREFUSED), or a connection breaks (class 08).
 * Serialization failures and deadlocks (40001, 40P01) are rolled back and may be tried again too,
 * and so is a write refused as read-only (25006): the connection reached a standby, or a primary
 * demoted under it, and the multi-host pool drops it and looks for the new primary.
 *
 * A COMMIT that failed this way may have committed — the server can apply it and lose the
 * connection before the answer arrives. Retry only work that is idempotent by key (the inbound
 * pipeline dedupes by channel and provider message id), never blindly.
 */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '40001',
  '40P01',
  '53300',
  '25006',
]);
const TRANSIENT_MESSAGES = [
  'Connection terminated',
  'connection error',
  'Client has encountered a connection error',
  'not queryable',
  'the database system is starting up',
  'the database system is shutting down',
  'terminating connection',
  'timeout exceeded when trying to connect',
];

export function isTransientDbError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof e !== 'object') return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.some((m) => message.includes(m))) return true;
    // AggregateError (a connect to several addresses, all refused).
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0 && errors.every((x) => isTransientDbError(x))) return true;
  }
  return false;
}

export interface RetryTransientOptions {
  /** Gives up (throws the last error) after this long; default 60 s. */
  patienceMs?: number;
  /** First wait, doubled per attempt up to 2 s; default 100 ms. */
  baseDelayMs?: number;
  /** Stop waiting, e.g. when the process shuts down. */
  stopped?: () => boolean;
  onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Runs `work` and, while it fails with a transient database error, runs it again after a growing
 * pause — the caller keeps its place (a shard's batch stays first in line, so order is kept)
 * instead of handing the work to a retry queue. Any other error is thrown at once.
 */
export async function retryTransient<T>(work: () => Promise<T>, options: RetryTransientOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.patienceMs ?? 60_000);
  let delay = options.baseDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientDbError(error) || Date.now() + delay > deadline || options.stopped?.()) throw error;
      options.onRetry?.(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 2000);
    }
  }
}
