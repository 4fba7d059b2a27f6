import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEmail, sanitizeEmailHtml } from './parse.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe('parseEmail', () => {
  it.each([
    ['gb2312.eml', '订单没有收到', '王小明', '你好，我的订单还没有收到'],
    ['gbk.eml', '退款申请（镕）', '李娜', '镕基金'],
    ['gb18030.eml', '发票问题 𠀀', '张伟', '𠀀科技有限公司'],
    ['big5.eml', '帳號無法登入', '陳美玲', '我的帳號無法登入'],
    ['iso-2022-jp.eml', '注文のキャンセルについて', '山田太郎', '注文をキャンセルしたいです'],
  ])('decodes %s: subject, sender name and body', async (file, subject, name, body) => {
    const mail = await parseEmail(fixture(file));
    expect(mail.subject).toBe(subject);
    expect(mail.from?.name).toBe(name);
    expect(mail.text).toContain(body);
    expect(mail.messageId).toMatch(/@example\./);
  });

  it('keeps the text and a sanitised HTML part, the inline image and an RFC 2231 file name', async () => {
    const mail = await parseEmail(fixture('multipart-utf8.eml'));
    expect(mail.subject).toBe('收到的包裹坏了—parcel broken');
    expect(mail.from).toEqual({ address: 'juergen@example.de', name: 'Jürgen Müller' });
    expect(mail.cc).toEqual(['Anna <anna@example.de>']);
    expect(mail.text).toContain('> It ships tomorrow.');
    expect(mail.visibleText).toBe('Hello, the parcel arrived broken, photo attached.');
    expect(mail.html).toContain('<b>broken</b>');
    expect(mail.html).toContain('src="cid:photo1@example.com"');
    expect(mail.html).not.toMatch(/script|javascript:|onclick|tracker\.example/);
    const names = mail.attachments.map((a) => [a.filename, a.contentType, a.contentId ?? null]);
    expect(names).toEqual([
      ['photo.png', 'image/png', '<photo1@example.com>'],
      ['发票 Rechnung ü.pdf', 'application/pdf', null],
    ]);
  });

  it('reads the delivery status and the original headers of a DSN', async () => {
    const mail = await parseEmail(fixture('bounce-dsn.eml'));
    expect(mail.report?.deliveryStatus).toContain('Status: 5.1.1');
    expect(mail.report?.originalHeaders).toContain('Message-ID: <OUTBOUND_ID>');
  });

  it('folds a Chinese quote header away, keeping the full text', async () => {
    const raw = Buffer.from(
      'From: a@example.cn\r\nTo: s@example.test\r\nSubject: x\r\nMessage-ID: <q@example.cn>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n好的，谢谢。\r\n\r\n在 2026年11月23日 10:00，Acme Support <support@example.test> 写道：\r\n> 您的订单已发货。\r\n',
    );
    const mail = await parseEmail(raw);
    expect(mail.visibleText).toBe('好的，谢谢。');
    expect(mail.text).toContain('您的订单已发货');
  });

  it('removes what could run in the agent’s browser', () => {
    const html = sanitizeEmailHtml(
      '<div onmouseover="x()">hi<iframe src="https://x"></iframe><style>body{}</style><img src="x" onerror="y()"><form><input></form></div>',
    );
    expect(html).toBe('<div>hi<img /></div>');
  });
});
