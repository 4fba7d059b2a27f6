import { readFileSync } from 'node:fs';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { ParsedMail } from 'mailparser';
import { describeConformance, type SendTarget } from '../../core/connector/testkit/index.js';
import { startSmtpServer } from '../../test/support/smtp.js';
import email from './connector.js';
import type { FetchedMail } from './normalize.js';
import { embeddedKitServices } from '../../test/support/connectors.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const fetched = (raw: Buffer, uid: number): FetchedMail => ({ uidValidity: '1795619628', uid, folder: 'INBOX', raw: raw.toString('base64') });
const withFile = (name: string, contentType: string, bytes: Buffer) =>
  new MailComposer({
    from: 'Li Lei <li.lei@example.cn>',
    to: 'support@example.test',
    subject: name,
    messageId: `<${name}@example.cn>`,
    text: 'see attached',
    attachments: [{ filename: name, content: bytes, contentType }],
  })
    .compile()
    .build();

// A minimal WAV and MP4 header are enough for the store's type check.
const wav = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([36, 0, 0, 0]),
  Buffer.from('WAVEfmt '),
  Buffer.from([16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0]),
  Buffer.from('data'),
  Buffer.alloc(4),
]);
const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.from([0, 0, 0, 0]), Buffer.from('mp42isom')]);

const samples = {
  text: fetched(fixture('gb2312.eml'), 1),
  image: fetched(fixture('multipart-utf8.eml'), 2),
  file: fetched(fixture('multipart-utf8.eml'), 2),
  audio: fetched(await withFile('voicemail.wav', 'audio/wav', wav), 3),
  video: fetched(await withFile('unboxing.mp4', 'video/mp4', mp4), 4),
  event: fetched(fixture('big5.eml'), 5),
};

/** The loopback SMTP server as the send target; a mail is read back as the parts it carries. */
async function smtpTarget(): Promise<SendTarget & { refuseNext(code: number): void }> {
  let refusal: { code: number; message: string } | undefined;
  const server = await startSmtpServer({
    reject: () => {
      const next = refusal;
      refusal = undefined;
      return next;
    },
  });
  const partsOf = (mail: ParsedMail) => [
    { type: 'text', text: mail.text },
    ...mail.attachments.map((a) => ({ type: a.contentType.startsWith('image/') ? 'image' : 'file', name: a.filename })),
    ...(mail.text ?? '').split('\n').flatMap((line) => {
      const file = /^(Image|File): .* <(https?:\/\/\S+)>$/.exec(line);
      if (file) return [{ type: file[1] === 'Image' ? 'image' : 'file', url: file[2] }];
      const link = /^.+: (https?:\/\/\S+)$/.exec(line);
      return link ? [{ type: 'link', url: link[1] }] : [];
    }),
  ];
  return {
    settings: { smtpHost: '127.0.0.1', smtpPort: server.port, smtpSecurity: 'none' },
    received: async () => server.mails.map((mail) => ({ subject: mail.subject, parts: partsOf(mail) })),
    refuseNext: (code) => {
      refusal = { code, message: code >= 500 ? 'Mailbox unavailable' : 'Try again later' };
    },
    close: () => server.close(),
  };
}

describeConformance({
  connector: email,
  services: embeddedKitServices,
  settings: {
    fromAddress: 'support@example.test',
    fromName: 'Acme Support',
    imapHost: '127.0.0.1',
    imapPort: 1,
    imapSecurity: 'none',
    imapUser: 'support@example.test',
    imapPassword: 'imap-password-never-shown',
    smtpUser: 'support@example.test',
    smtpPassword: 'smtp-password-never-shown',
  },
  samples,
  sendTarget: smtpTarget,
  recipient: async () => 'customer@example.org',
  sendFailures: [
    { name: 'SMTP 451 (try later)', arrange: (target) => (target as Awaited<ReturnType<typeof smtpTarget>>).refuseNext(451), retryable: true },
    { name: 'SMTP 550 (mailbox unavailable)', arrange: (target) => (target as Awaited<ReturnType<typeof smtpTarget>>).refuseNext(550), retryable: false },
    { name: 'a customer without an e-mail address', arrange: () => {}, recipient: 'wechat-openid-123', retryable: false },
  ],
});
