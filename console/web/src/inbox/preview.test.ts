import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/translate.js';
import { previewLine, waitedFor } from './preview.js';

const en = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate('en', key, params);
const zh = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate('zh', key, params);
const at = '2026-11-25T10:00:00.000Z';

describe('the list line of a conversation', () => {
  it('shows text shortened, files by kind in the agent language, replies marked', () => {
    expect(
      previewLine({ direction: 'in', senderType: 'contact', parts: [{ type: 'text', text: `Hello  there ${'a'.repeat(100)}` }], createdAt: at }, en),
    ).toMatch(/^Hello there a+…$/);
    expect(previewLine({ direction: 'in', senderType: 'contact', parts: [{ type: 'image', name: 'p.png' }], createdAt: at }, en)).toBe('[image]');
    expect(previewLine({ direction: 'in', senderType: 'contact', parts: [{ type: 'image', name: 'p.png' }], createdAt: at }, zh)).toBe('[图片]');
    expect(previewLine({ direction: 'in', senderType: 'contact', parts: [{ type: 'file', name: '合同.pdf' }], createdAt: at }, zh)).toBe('[文件] 合同.pdf');
    expect(previewLine({ direction: 'out', senderType: 'agent', parts: [{ type: 'text', text: 'On its way' }], createdAt: at }, en)).toBe('Reply: On its way');
    expect(
      previewLine({ direction: 'in', senderType: 'contact', parts: [{ type: 'text', text: '<p>Hi <b>there</b></p>', format: 'html' }], createdAt: at }, en),
    ).toBe('Hi there');
    expect(previewLine(null, en)).toBe('');
  });

  it('says how long the customer has waited', () => {
    const start = Date.parse(at);
    expect(waitedFor(at, start + 20_000, en)).toBe('waiting now');
    expect(waitedFor(at, start + 5 * 60_000, en)).toBe('waiting 5 min');
    expect(waitedFor(at, start + 3 * 3_600_000, zh)).toBe('已等 3 小时');
    expect(waitedFor(at, start + 50 * 3_600_000, en)).toBe('waiting 2 d');
  });
});
