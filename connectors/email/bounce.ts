import type { ParsedEmail } from './parse.js';
import { bareId } from './threading.js';

/** The Message-ID of the mail a DSN reports on, from its returned headers. */
export function bouncedMessageId(mail: ParsedEmail): string | undefined {
  const headers = mail.report?.originalHeaders;
  if (!headers) return undefined;
  const match = /^Message-ID:\s*(<[^>\s]+>|\S+)/im.exec(headers.replace(/\r?\n[ \t]+/g, ' '));
  return match?.[1] ? bareId(match[1]) : undefined;
}

/** What the agent reads about a bounce: the remote server's words, else the status code. */
export function bounceReason(mail: ParsedEmail): string {
  const status = mail.report?.deliveryStatus ?? '';
  const diagnostic = /^Diagnostic-Code:\s*(?:smtp;\s*)?(.+)$/im.exec(status)?.[1];
  const code = /^Status:\s*(\S+)/im.exec(status)?.[1];
  const action = /^Action:\s*(\S+)/im.exec(status)?.[1]?.toLowerCase();
  return `bounced${action && action !== 'failed' ? ` (${action})` : ''}: ${(diagnostic ?? (code ? `status ${code}` : 'the receiving server refused the mail')).trim()}`;
}

/** Whether the DSN says delivery failed for good (Action: failed or a 5.x.x status), not just delayed. */
export function isPermanentBounce(mail: ParsedEmail): boolean {
  const status = mail.report?.deliveryStatus ?? '';
  const action = /^Action:\s*(\S+)/im.exec(status)?.[1]?.toLowerCase();
  if (action) return action === 'failed';
  return /^Status:\s*5\./im.test(status);
}
