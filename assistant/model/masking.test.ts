import { describe, expect, it } from 'vitest';
import { luhn, PersonalDataMask } from './masking.js';

describe('masking personal data before it leaves the server', () => {
  it('replaces e-mail addresses, Chinese and international phone numbers and card numbers', () => {
    const mask = new PersonalDataMask();
    const text = [
      '我的手机是13800138000,也可以打 +86 139-1234-5678 或 0086 15012345678。',
      'Mail me at wang.fang+orders@example.com.cn or call +44 20 7946 0958, (555) 123-4567, 010-62345678, 400-810-8888.',
      'Card 4111 1111 1111 1111 and 5500-0000-0000-0004, AmEx 378282246310005.',
    ].join('\n');
    const masked = mask.mask(text);
    for (const secret of [
      '13800138000',
      '139-1234-5678',
      '15012345678',
      'wang.fang+orders@example.com.cn',
      '7946 0958',
      '123-4567',
      '62345678',
      '810-8888',
      '4111 1111 1111 1111',
      '5500-0000-0000-0004',
      '378282246310005',
    ])
      expect(masked).not.toContain(secret);
    expect(masked).toContain('我的手机是[phone 1],也可以打 [phone 2] 或 [phone 3]。');
    expect(masked).toContain('Mail me at [email 1] or call');
    expect(masked).toContain('Card [card 1] and [card 2], AmEx [card 3].');
    expect(mask.replaced).toEqual({ email: 1, phone: 7, card: 3 });
    expect(mask.unmask(masked)).toBe(text);
  });

  it('leaves order numbers, amounts, dates and digits that fail the card check alone', () => {
    const mask = new PersonalDataMask();
    const text = 'Order 20240512 of ¥1,299.00 on 2024-05-12 at 14:30; tracking 1234567890123 (not a card); 7 天内退货.';
    expect(mask.mask(text)).toBe(text);
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('1234567890123')).toBe(false);
  });

  it('gives one value the same placeholder every time, and puts originals back in a streamed answer cut anywhere', () => {
    const mask = new PersonalDataMask();
    expect(mask.mask('a@example.com, 13800138000, a@example.com')).toBe('[email 1], [phone 1], [email 1]');
    const stream = mask.streaming();
    const pieces = ['We wrote to [em', 'ail 1] and will call [pho', 'ne 1', '] today. [note] ['];
    const out = pieces.map((p) => stream.push(p)).join('') + stream.flush();
    expect(out).toBe('We wrote to a@example.com and will call 13800138000 today. [note] [');
  });
});
