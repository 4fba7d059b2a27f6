import { ImapFlow } from 'imapflow';
import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailConfig } from './config.js';

/** An IMAP client for the channel's mailbox; nothing it logs reaches our logs (it would show the login). */
export function imapClient(config: EmailConfig): ImapFlow {
  return new ImapFlow({
    host: config.imapHost,
    port: config.imapPort,
    secure: config.imapSecurity === 'tls',
    // 'none' must not try STARTTLS either: the server is on this machine, or it is a test.
    ...(config.imapSecurity === 'none' ? { doSTARTTLS: false } : config.imapSecurity === 'starttls' ? { doSTARTTLS: true } : {}),
    auth: config.imapAccessToken ? { user: config.imapUser, accessToken: config.imapAccessToken } : { user: config.imapUser, pass: config.imapPassword ?? '' },
    logger: false,
    // The loop decides when to IDLE; auto-IDLE would race its own commands.
    disableAutoIdle: true,
    connectionTimeout: 30_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
  } as ConstructorParameters<typeof ImapFlow>[0]);
}

/** An SMTP transport for the channel's replies. */
export function smtpTransport(config: EmailConfig): Transporter {
  const auth = config.smtpUser
    ? config.smtpAccessToken
      ? { type: 'OAuth2' as const, user: config.smtpUser, accessToken: config.smtpAccessToken }
      : { user: config.smtpUser, pass: config.smtpPassword ?? '' }
    : undefined;
  return nodemailer.createTransport({
    host: config.smtpHost,
    port: config.smtpPort,
    secure: config.smtpSecurity === 'tls',
    requireTLS: config.smtpSecurity === 'starttls',
    ignoreTLS: config.smtpSecurity === 'none',
    ...(auth ? { auth } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    logger: false,
  });
}

export interface ConnectionCheck {
  imap: { ok: true; folder: string; idle: boolean; messages: number } | { ok: false; error: string };
  smtp: { ok: true } | { ok: false; error: string };
}

/** Logs in to IMAP and SMTP as the channel would, and says what went wrong in words an admin can act on. */
export async function checkConnection(config: EmailConfig): Promise<ConnectionCheck> {
  const [imap, smtp] = await Promise.all([checkImap(config), checkSmtp(config)]);
  return { imap, smtp };
}

async function checkImap(config: EmailConfig): Promise<ConnectionCheck['imap']> {
  const client = imapClient(config);
  client.on('error', () => {});
  try {
    await client.connect();
    const status = await client.status(config.folder, { messages: true });
    const idle = client.capabilities.has('IDLE');
    await client.logout();
    return { ok: true, folder: config.folder, idle, messages: status ? (status.messages ?? 0) : 0 };
  } catch (error) {
    client.close();
    return { ok: false, error: describeError(error, 'IMAP', config.imapHost, config.imapPort) };
  }
}

async function checkSmtp(config: EmailConfig): Promise<ConnectionCheck['smtp']> {
  const transport = smtpTransport(config);
  try {
    await transport.verify();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: describeError(error, 'SMTP', config.smtpHost, config.smtpPort) };
  } finally {
    transport.close();
  }
}

/** A connection error in an admin's words: the host, the kind of failure, the server's own reply. */
export function describeError(error: unknown, what: 'IMAP' | 'SMTP', host: string, port: number): string {
  const e = error as { code?: unknown; message?: unknown; responseText?: unknown; response?: unknown; authenticationFailed?: boolean; serverResponseCode?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  // imapflow puts the server's words in responseText (its `response` is an object); nodemailer in response.
  const detail = ([e?.responseText, e?.response, e?.message].find((v): v is string => typeof v === 'string' && v.trim() !== '') ?? String(error)).trim();
  if (code === 'ENOTFOUND' || code === 'EDNS' || /ENOTFOUND|getaddrinfo/.test(detail)) return `${what}: host not found: ${host}`;
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(detail)) return `${what}: connection refused by ${host}:${port}`;
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || /timed? ?out/i.test(detail)) return `${what}: no answer from ${host}:${port} (timed out)`;
  if (e?.authenticationFailed || code === 'EAUTH' || /AUTHENTICATIONFAILED|authentication failed|invalid credentials|535/i.test(detail)) {
    return `${what}: the server refused the login (wrong user or password): ${detail}`;
  }
  if (/certificate|self[- ]signed|SSL|TLS|wrong version number|EPROTO/i.test(`${code} ${detail}`)) return `${what}: TLS failed with ${host}:${port}: ${detail}`;
  if (e?.serverResponseCode === 'NONEXISTENT' || /mailbox doesn't exist|NONEXISTENT/i.test(detail)) return `${what}: the folder does not exist: ${detail}`;
  return `${what}: ${detail}`;
}
