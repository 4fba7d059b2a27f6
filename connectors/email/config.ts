import { z } from 'zod';
import { secret } from '../../core/connector/define.js';

const security = z
  .enum(['tls', 'starttls', 'none'])
  .describe(
    'tls: encrypted from the first byte (IMAP 993, SMTP 465); starttls: upgraded after connecting (IMAP 143, SMTP 587); none: only for a server on this machine',
  );

/**
 * One mailbox: where mail is read (IMAP) and how replies leave (SMTP). Flat, so every secret is
 * a top-level field the platform seals and the console shows write-only.
 */
export const emailConfig = z
  .object({
    fromAddress: z.email().describe('The support address customers write to and replies come from'),
    fromName: z.string().max(120).optional().describe('Shown as the sender of replies, e.g. "Acme Support"'),

    imapHost: z.string().min(1).max(255),
    imapPort: z.number().int().min(1).max(65535).default(993),
    imapSecurity: security.default('tls'),
    imapUser: z.string().min(1).max(320),
    imapPassword: secret(z.string().min(1).max(1024).optional().describe('Password or app password')),
    imapAccessToken: secret(z.string().min(1).max(8192).optional().describe('OAuth 2.0 access token (XOAUTH2), instead of a password')),
    folder: z.string().min(1).max(255).default('INBOX').describe('The folder new mail is read from'),
    sentFolder: z.string().max(255).optional().describe('Where a copy of each reply is put; empty: no copy'),
    pollSeconds: z
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(60)
      .describe('How often to look for mail when the server has no IDLE; with IDLE, how often the folder is selected afresh'),

    smtpHost: z.string().min(1).max(255),
    smtpPort: z.number().int().min(1).max(65535).default(587),
    smtpSecurity: security.default('starttls'),
    smtpUser: z.string().max(320).optional().describe('Empty: send without logging in'),
    smtpPassword: secret(z.string().min(1).max(1024).optional()),
    smtpAccessToken: secret(z.string().min(1).max(8192).optional().describe('OAuth 2.0 access token (XOAUTH2), instead of a password')),

    maxAttachmentBytes: z
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(25 * 1024 * 1024),
    maxMailsPerSenderPerHour: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(30)
      .describe('More mail than this from one address in an hour is left in the mailbox, not opened as conversations'),
  })
  .refine((c) => c.imapPassword || c.imapAccessToken, { message: 'give an IMAP password or an access token', path: ['imapPassword'] });

export type EmailConfig = z.infer<typeof emailConfig>;

const imapSecrets = ['imapPassword', 'imapAccessToken'];
const smtpSecrets = ['smtpPassword', 'smtpAccessToken'];

/** Where each login goes: a new IMAP or SMTP server, port or TLS mode needs its password again. */
export const emailEndpoints = {
  imapHost: imapSecrets,
  imapPort: imapSecrets,
  imapSecurity: imapSecrets,
  smtpHost: smtpSecrets,
  smtpPort: smtpSecrets,
  smtpSecurity: smtpSecrets,
};
