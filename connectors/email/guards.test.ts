import { describe, expect, it } from 'vitest';
import { batches, BATCH_BYTES, BATCH_MAILS } from './inbound.js';
import { automaticReason, SenderRateLimit } from './guards.js';

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] });

describe('automatic mail', () => {
  it.each([
    [{ 'auto-submitted': 'auto-replied' }, 'Auto-Submitted: auto-replied'],
    [{ 'auto-submitted': 'auto-generated; type=dsn' }, 'Auto-Submitted: auto-generated'],
    [{ precedence: 'bulk' }, 'Precedence: bulk'],
    [{ precedence: 'list' }, 'Precedence: list'],
    [{ 'x-loop': 'support@example.test' }, 'X-Loop'],
    [{ 'list-id': '<news.example.org>' }, 'List-Id'],
    [{ 'x-auto-response-suppress': 'All' }, 'X-Auto-Response-Suppress: all'],
    [{ 'x-autoreply': 'yes' }, 'X-Autoreply'],
  ])('%o is automatic', (values, reason) => {
    expect(automaticReason(headers(values), 'someone@example.org')).toBe(reason);
  });

  it('knows mailer daemons and no-reply senders, and lets a person’s mail through', () => {
    expect(automaticReason(headers({}), 'MAILER-DAEMON@mx.example.org')).toBe('sent by MAILER-DAEMON');
    expect(automaticReason(headers({}), 'no-reply@shop.example')).toBe('sent by no-reply');
    expect(automaticReason(headers({ 'auto-submitted': 'no', precedence: 'normal' }), 'li.lei@example.cn')).toBeUndefined();
  });
});

describe('per-sender limit', () => {
  it('stops one sender at the limit for an hour, not the others', () => {
    let now = 0;
    const limit = new SenderRateLimit(3, () => now);
    expect([1, 2, 3, 4].map(() => limit.allow('storm@example.org'))).toEqual([true, true, true, false]);
    expect(limit.allow('calm@example.org')).toBe(true);
    now += 3_600_001;
    expect(limit.allow('storm@example.org')).toBe(true);
  });
});

describe('backlog batches', () => {
  it('bounds a batch by count and by bytes, and never splits or drops a mail', () => {
    const many = Array.from({ length: BATCH_MAILS * 2 + 50 }, (_, i) => ({ uid: i + 1, size: 1000 }));
    expect(batches(many).map((b) => b.length)).toEqual([BATCH_MAILS, BATCH_MAILS, 50]);
    const big = [
      { uid: 1, size: BATCH_BYTES - 10 },
      { uid: 2, size: 100 },
      { uid: 3, size: BATCH_BYTES * 2 },
      { uid: 4, size: 1 },
    ];
    expect(batches(big).map((b) => b.map((m) => m.uid))).toEqual([[1], [2], [3], [4]]);
  });
});
