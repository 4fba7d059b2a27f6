import { defineConnector } from '../../core/connector/define.js';
import { emailConfig, emailEndpoints } from './config.js';
import { checkConnection } from './imap.js';
import { runMailbox } from './inbound.js';
import { emailLabels } from './labels.js';
import { normalizeEmail } from './normalize.js';
import { sendEmail } from './send.js';

export { emailConfig, type EmailConfig } from './config.js';

/** A support mailbox: mail read over IMAP (IDLE), replies sent over SMTP in the customer's thread. */
export default defineConnector({
  type: 'email',
  displayName: 'E-mail',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#b7791f"/><rect x="5" y="7" width="14" height="10" rx="1.5" fill="#fff"/><path d="M5.5 7.5l6.5 5 6.5-5" stroke="#b7791f" stroke-width="1.5" fill="none"/></svg>',
    name: { en: 'E-mail', zh: '电子邮件' },
  },
  description: 'A support mailbox: new mail over IMAP becomes conversations; replies leave over SMTP, threaded in the customer’s mail client.',
  descriptionZh: '客服邮箱：通过 IMAP 收到的新邮件成为会话；回复通过 SMTP 发出，在客户的邮件客户端中保持同一线程。',
  capabilities: {
    receive: ['text', 'image', 'audio', 'video', 'file', 'event'],
    send: ['text', 'image', 'file', 'link'],
    threads: true,
    conversationKind: 'email',
  },
  config: emailConfig,
  labels: emailLabels,
  endpoints: emailEndpoints,
  inbound: { kind: 'pull', run: runMailbox },
  normalize: normalizeEmail,
  send: sendEmail,
  testConnection: async (ctx) => {
    const { imap, smtp } = await checkConnection(ctx);
    return {
      ok: imap.ok && smtp.ok,
      checks: [
        {
          name: 'IMAP',
          ok: imap.ok,
          detail: imap.ok
            ? `logged in; ${imap.folder} has ${imap.messages} mails; ${imap.idle ? 'IDLE' : `no IDLE, polling every ${ctx.config.pollSeconds} s`}`
            : imap.error,
        },
        { name: 'SMTP', ok: smtp.ok, detail: smtp.ok ? 'logged in' : smtp.error },
      ],
    };
  },
});
