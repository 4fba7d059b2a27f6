import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { eventually } from './services.js';

/** A real SMTP server on loopback that keeps what it receives, parsed. */
export async function startSmtpServer(
  options: {
    /** When set, AUTH must give these; otherwise any login is accepted (and none is needed). */
    credentials?: { user: string; pass: string };
    onMessage?: (raw: Buffer, mail: ParsedMail) => Promise<void> | void;
    reject?: () => { code: number; message: string } | undefined;
  } = {},
): Promise<{
  url: string;
  port: number;
  mails: ParsedMail[];
  waitForMail(to: string): Promise<ParsedMail>;
  close(): Promise<void>;
}> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const { credentials } = options;
      if (credentials && (auth.username !== credentials.user || auth.password !== credentials.pass)) {
        return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const refusal = options.reject?.();
        if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then(async (mail) => {
            mails.push(mail);
            await options.onMessage?.(raw, mail);
            callback();
          })
          .catch(callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    waitForMail: (to) =>
      eventually<ParsedMail | undefined>(() => mails.find((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.value.some((v) => v.address === to))), {
        timeoutMs: 10_000,
      }) as Promise<ParsedMail>,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The one-time token in a mail's link (`?token=…`). */
export function tokenFromMail(mail: ParsedMail): string {
  const match = /[?&]token=([A-Za-z0-9_%-]+)/.exec(mail.text ?? '');
  if (!match) throw new Error('no token link in the mail');
  return decodeURIComponent(match[1]!);
}
