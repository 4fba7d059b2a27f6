/**
 * Mail no person wrote on purpose: auto-replies, mailing lists, bounces. It is stored like any
 * mail but never answered automatically, so two robots cannot keep answering each other.
 */

export interface HeaderView {
  get(name: string): string | undefined;
}

/** Why a mail counts as automatic (RFC 3834 Auto-Submitted, Precedence, X-Loop, lists, Microsoft's suppress flag), or undefined. */
export function automaticReason(headers: HeaderView, from: string | undefined): string | undefined {
  const autoSubmitted = headers.get('auto-submitted')?.toLowerCase().split(';')[0]?.trim();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = headers.get('precedence')?.toLowerCase().trim();
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'list' || precedence === 'auto_reply') return `Precedence: ${precedence}`;
  if (headers.get('x-loop') !== undefined) return 'X-Loop';
  if (headers.get('list-id') !== undefined) return 'List-Id';
  const suppress = headers.get('x-auto-response-suppress')?.toLowerCase();
  if (suppress && /\b(all|oof|autoreply)\b/.test(suppress)) return `X-Auto-Response-Suppress: ${suppress}`;
  if (headers.get('x-autoreply') !== undefined || headers.get('x-autorespond') !== undefined) return 'X-Autoreply';
  if (from && /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@/i.test(from)) return `sent by ${from.split('@')[0]}`;
  return undefined;
}

/** One sliding hour of mail per sender, per channel: a storm stops at the limit. */
export class SenderRateLimit {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly perHour: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one mail from `sender`; false when the sender is over the limit. */
  allow(sender: string): boolean {
    const now = this.now();
    const since = now - 3_600_000;
    const times = (this.seen.get(sender) ?? []).filter((t) => t > since);
    if (times.length >= this.perHour) {
      this.seen.set(sender, times);
      return false;
    }
    times.push(now);
    this.seen.set(sender, times);
    if (this.seen.size > 50_000) this.prune(since);
    return true;
  }

  private prune(since: number): void {
    for (const [sender, times] of this.seen) if (!times.some((t) => t > since)) this.seen.delete(sender);
  }
}
