import { describe, expect, it } from 'vitest';
import type { ContentPart } from '../api/domain.js';
import { emailDocument, emailView } from './email.js';

const image = '0b6c1f0e-7d1e-4c4a-9d7e-2a1c3b4d5e6f';
const parts: ContentPart[] = [
  { type: 'text', text: 'Thanks!\n\nOn Monday Acme wrote:\n> It ships today.', format: 'plain' },
  { type: 'image', attachmentId: image, name: 'photo.png', mimeType: 'image/png', size: 68 },
  {
    type: 'event',
    name: 'email',
    data: {
      from: 'Li Lei <li.lei@example.cn>',
      to: ['support@acme.test'],
      cc: ['Anna <anna@example.de>'],
      subject: 'Re: 我的订单',
      visibleText: 'Thanks!',
      html: `<p>Thanks!</p><img src="attachment:${image}"><img src="attachment:11111111-2222-3333-4444-555555555555">`,
    },
  },
];

describe('e-mail view', () => {
  it('shows the headers and the new text, keeps the full text, and points inline images at the stored file', () => {
    const view = emailView(parts, (id) => `/api/attachments/${id}`)!;
    expect(view).toMatchObject({ from: 'Li Lei <li.lei@example.cn>', cc: ['Anna <anna@example.de>'], subject: 'Re: 我的订单', visibleText: 'Thanks!' });
    expect(view.fullText).toContain('> It ships today.');
    expect(view.html).toBe(`<p>Thanks!</p><img src="/api/attachments/${image}"><img src="">`);
  });

  it('is nothing for messages of other channels, and the HTML frame allows no script or remote load', () => {
    expect(emailView([{ type: 'text', text: 'hi' }], String)).toBeUndefined();
    expect(emailDocument('<p>x</p>')).toContain("default-src 'none'");
  });
});
