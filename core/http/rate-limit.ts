/**
 * A token bucket per caller (an API token, an app-API key), in this process: `perMinute`
 * requests a minute on average, up to a minute's worth at once. `take` answers 0 when the
 * request may go, else the whole seconds until it may (the Retry-After). With several
 * processes behind a balancer, each keeps its own buckets.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    const perMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.set(key, bucket);
      if (this.buckets.size > 50_000) this.forgetFull(now);
      return 0;
    }
    this.buckets.set(key, bucket);
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }

  /** Buckets full again hold nothing worth keeping. */
  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * (this.perMinute / 60_000) >= this.perMinute) this.buckets.delete(key);
    }
  }
}

const shared = new Map<string, RateLimiter>();

/** One limiter per purpose and rate in this process (a channel's setting may change its rate). */
export function rateLimiter(purpose: string, perMinute: number): RateLimiter {
  const key = `${purpose}:${perMinute}`;
  let limiter = shared.get(key);
  if (!limiter) shared.set(key, (limiter = new RateLimiter(perMinute)));
  return limiter;
}
