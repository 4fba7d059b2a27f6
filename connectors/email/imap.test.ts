import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dovecotAvailable, startDovecot, type Dovecot } from '../../test/support/dovecot.js';
import { startSmtpServer } from '../../test/support/smtp.js';
import { emailConfig, type EmailConfig } from './config.js';
import { loopbackOutbound } from '../../test/support/connectors.js';
import { checkConnection as check } from './imap.js';

const outbound = loopbackOutbound();
const checkConnection = (config: EmailConfig) => check({ config, outbound });

describe.skipIf(!dovecotAvailable)('test connection against a real Dovecot and SMTP server', () => {
  let dovecot: Dovecot;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  const config = (overrides: Partial<EmailConfig> = {}): EmailConfig =>
    emailConfig.parse({
      fromAddress: 'support@example.test',
      imapHost: '127.0.0.1',
      imapPort: dovecot.port,
      imapSecurity: 'none',
      imapUser: 'support@example.test',
      imapPassword: 'right-password',
      smtpHost: '127.0.0.1',
      smtpPort: smtp.port,
      smtpSecurity: 'none',
      smtpUser: 'support@example.test',
      smtpPassword: 'smtp-password',
      ...overrides,
    });

  beforeAll(async () => {
    dovecot = await startDovecot({ users: { 'support@example.test': 'right-password' } });
    smtp = await startSmtpServer({ credentials: { user: 'support@example.test', pass: 'smtp-password' } });
  }, 60_000);
  afterAll(async () => {
    await smtp?.close();
    await dovecot?.stop();
  });

  it('logs in to both and says what the mailbox holds', async () => {
    await dovecot.deliver('support@example.test', 'INBOX', ['From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n']);
    expect(await checkConnection(config())).toEqual({ imap: { ok: true, folder: 'INBOX', idle: true, messages: 1 }, smtp: { ok: true } });
  });

  it('names a wrong password and a missing folder; an unknown host, a closed port and a TLS mismatch read alike', async () => {
    const wrong = await checkConnection(config({ imapPassword: 'wrong', smtpPassword: 'wrong' }));
    expect(wrong.imap).toMatchObject({ ok: false, error: expect.stringMatching(/^IMAP: the server refused the login/) });
    expect(wrong.smtp).toMatchObject({ ok: false, error: expect.stringMatching(/^SMTP: the server refused the login/) });

    const unknown = await checkConnection(config({ imapHost: 'mail.no-such-host.invalid', smtpHost: 'smtp.no-such-host.invalid' }));
    const hint = '(check the host, the port and the security setting)';
    expect(unknown.imap).toEqual({ ok: false, error: `IMAP: could not connect to mail.no-such-host.invalid:${dovecot.port} ${hint}` });
    expect(unknown.smtp).toEqual({ ok: false, error: `SMTP: could not connect to smtp.no-such-host.invalid:${smtp.port} ${hint}` });

    const closed = await checkConnection(config({ imapPort: 1, smtpPort: 1 }));
    expect(closed.imap).toEqual({ ok: false, error: `IMAP: could not connect to 127.0.0.1:1 ${hint}` });
    expect(closed.smtp).toEqual({ ok: false, error: `SMTP: could not connect to 127.0.0.1:1 ${hint}` });

    // A plain-text server asked for TLS: that something listens is no more told than a closed port.
    const tls = await checkConnection(config({ imapSecurity: 'tls', smtpSecurity: 'tls' }));
    expect(tls.imap).toEqual({ ok: false, error: `IMAP: could not connect to 127.0.0.1:${dovecot.port} ${hint}` });
    expect(tls.smtp).toEqual({ ok: false, error: `SMTP: could not connect to 127.0.0.1:${smtp.port} ${hint}` });

    const folder = await checkConnection(config({ folder: 'Nope' }));
    expect(folder.imap).toMatchObject({ ok: false, error: expect.stringMatching(/^IMAP: the folder does not exist/) });
  }, 60_000);
});
