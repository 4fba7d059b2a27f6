import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import nodemailer from 'nodemailer';
import type { Config } from '../../../core/config/config.js';
import type { Logger } from '../../../core/log/logger.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Where mail goes: over SMTP, or written as files to a folder (no SMTP_URL). */
  readonly delivery: { kind: 'smtp' } | { kind: 'files'; folder: string };
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * The platform's own mail (activation, password reset). Over SMTP with SMTP_URL; in the
 * embedded default each mail is written as an .eml file to DATA_DIR/mail and its file's address
 * is logged — the mail holds one-time links, so its contents never go to the log.
 */
export function createMailer(smtp: Config['smtp'], logger: Logger): Mailer {
  if ('url' in smtp) {
    const transport = nodemailer.createTransport(smtp.url);
    return {
      delivery: { kind: 'smtp' },
      send: async (mail) => {
        await transport.sendMail({ from: smtp.from, ...mail });
        logger.info({ to: mail.to, subject: mail.subject }, 'mail sent');
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    delivery: { kind: 'files', folder: smtp.outboxDir },
    send: async (mail) => {
      const info = await transport.sendMail({ from: smtp.from, ...mail });
      mkdirSync(smtp.outboxDir, { recursive: true });
      const file = join(smtp.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.eml`);
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      logger.info({ to: mail.to, subject: mail.subject, file: pathToFileURL(file).href }, 'mail written (no SMTP_URL configured)');
    },
    close: () => transport.close(),
  };
}
