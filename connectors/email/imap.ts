import { ImapFlow } from 'imapflow';
import nodemailer, { type Transporter } from 'nodemailer';
import { isIP } from 'node:net';
import { OutboundError, OutboundRefusedError, type OutboundClient } from '../../core/net/outbound.js';
import type { EmailConfig } from './config.js';

/** The channel's settings and the guarded client: the mail hosts are the company's to set. */
export type MailContext = { config: EmailConfig; outbound: OutboundClient };

/**
 * The address to connect to, checked like any company-set address, and the name for TLS (SNI and
 * the certificate's check): the mail clients get the address, so they cannot resolve the name
 * again to somewhere else.
 */
async function mailTarget(outbound: OutboundClient, host: string): Promise<{ host: string; servername?: string }> {
  const { address, servername } = await outbound.resolve(host);
  return isIP(servername) ? { host: address } : { host: address, servername };
}

/** An IMAP client for the channel's mailbox; nothing it logs reaches our logs (it would show the login). */
export async function imapClient({ config, outbound }: MailContext): Promise<ImapFlow> {
  const target = await mailTarget(outbound, config.imapHost);
  return new ImapFlow({
    ...target,
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

/** An SMTP transport for the channel's replies, to the address its host resolves to now. */
export async function smtpTransport({ config, outbound }: MailContext): Promise<Transporter> {
  const target = await mailTarget(outbound, config.smtpHost);
  const auth = config.smtpUser
    ? config.smtpAccessToken
      ? { type: 'OAuth2' as const, user: config.smtpUser, accessToken: config.smtpAccessToken }
      : { user: config.smtpUser, pass: config.smtpPassword ?? '' }
    : undefined;
  return nodemailer.createTransport({
    ...target,
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
export async function checkConnection(ctx: MailContext): Promise<ConnectionCheck> {
  const [imap, smtp] = await Promise.all([checkImap(ctx), checkSmtp(ctx)]);
  return { imap, smtp };
}

async function checkImap(ctx: MailContext): Promise<ConnectionCheck['imap']> {
  const { config } = ctx;
  let client: ImapFlow;
  try {
    client = await imapClient(ctx);
  } catch (error) {
    return { ok: false, error: describeError(error, 'IMAP', config.imapHost, config.imapPort) };
  }
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

async function checkSmtp(ctx: MailContext): Promise<ConnectionCheck['smtp']> {
  const { config } = ctx;
  let transport: Transporter;
  try {
    transport = await smtpTransport(ctx);
  } catch (error) {
    return { ok: false, error: describeError(error, 'SMTP', config.smtpHost, config.smtpPort) };
  }
  try {
    await transport.verify();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: describeError(error, 'SMTP', config.smtpHost, config.smtpPort) };
  } finally {
    transport.close();
  }
}

/**
 * A connection error in an admin's words. A host that cannot be reached reads the same whether
 * its name is unknown, its port closed, silent or hung up: the settings are the company's, and
 * the answer must not map the network for them. Only a server that speaks the protocol (a login
 * refused, a TLS failure, a missing folder) is described further.
 */
export function describeError(error: unknown, what: 'IMAP' | 'SMTP', host: string, port: number): string {
  if (error instanceof OutboundRefusedError) return `${what}: ${error.message}`;
  const e = error as {
    code?: unknown;
    message?: unknown;
    responseText?: unknown;
    response?: unknown;
    authenticationFailed?: boolean;
    serverResponseCode?: unknown;
  };
  const code = typeof e?.code === 'string' ? e.code : '';
  // imapflow puts the server's words in responseText (its `response` is an object); nodemailer in response.
  const detail = ([e?.responseText, e?.response, e?.message].find((v): v is string => typeof v === 'string' && v.trim() !== '') ?? String(error)).trim();
  const unreachable = `${what}: could not connect to ${host}:${port} (check the host, the port and the security setting)`;
  if (
    error instanceof OutboundError ||
    UNREACHABLE_CODES.has(code) ||
    /ENOTFOUND|getaddrinfo|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|timed? ?out|closed|ended/i.test(detail)
  )
    return unreachable;
  if (e?.authenticationFailed || code === 'EAUTH' || /AUTHENTICATIONFAILED|authentication failed|invalid credentials|535/i.test(detail)) {
    return `${what}: the server refused the login (wrong user or password): ${detail}`;
  }
  // A certificate needs a TLS server to present it; "wrong version number" only says something
  // not speaking TLS listens there, which is what a closed port must not be told apart from.
  if (/certificate|self[- ]signed/i.test(`${code} ${detail}`)) return `${what}: TLS failed with ${host}:${port}: ${detail}`;
  if (e?.serverResponseCode === 'NONEXISTENT' || /mailbox doesn't exist|NONEXISTENT/i.test(detail)) return `${what}: the folder does not exist: ${detail}`;
  // A server's reply is repeated only when it is a mail server's (a tagged IMAP answer, an SMTP
  // code): whatever else answered may not be a mail server at all.
  const reply =
    typeof e?.responseText === 'string' ? e.responseText : typeof e?.response === 'string' && /^[2-5]\d\d[ -]/.test(e.response) ? e.response : undefined;
  if (reply) return `${what}: the server did not accept the session: ${reply.trim().slice(0, 300)}`;
  return unreachable;
}

const UNREACHABLE_CODES = new Set([
  'ENOTFOUND',
  'EDNS',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ETIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNECTION',
  'ESOCKET',
  'NoConnection',
  'ClosedAfterConnectText',
  'ClosedAfterConnectTLS',
  'GreetingTimeout',
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'EConnectionClosed',
]);
