import type { ImapFlow } from 'imapflow';
import type { PullContext } from '../../core/connector/define.js';
import type { InboundMessage } from '../../core/domain/messages.js';
import { ValidationError } from '../../core/errors.js';
import type { EmailConfig } from './config.js';
import { describeError, imapClient } from './imap.js';
import type { FetchedMail } from './normalize.js';

/** Mails per batch handed to the bus, and the bytes a batch may hold: a backlog streams in bounded memory. */
export const BATCH_MAILS = 500;
export const BATCH_BYTES = 16 * 1024 * 1024;
/** RFC 2177: a client should re-issue IDLE at least every 29 minutes. */
const IDLE_RENEW_MS = 25 * 60_000;

/** Where the loop stands in the folder; saved only after the bus confirmed everything up to `lastUid`. */
export interface MailboxCursor {
  uidValidity: string;
  lastUid: number;
}

/**
 * The channel's mailbox as a pull loop: read what is new, hand it to the bus in batches, move
 * the cursor after each confirmed batch, then wait (IDLE, or a timer where the server has no
 * IDLE) and read again. A broken connection is opened again with a growing pause.
 */
export async function runMailbox(ctx: PullContext<EmailConfig>): Promise<void> {
  let pauseMs = 1000;
  while (!ctx.signal.aborted) {
    try {
      await session(ctx);
      pauseMs = 1000;
    } catch (error) {
      if (ctx.signal.aborted) break;
      const described = describeError(error, 'IMAP', ctx.config.imapHost, ctx.config.imapPort);
      ctx.health?.failed(described);
      ctx.logger.warn({ channelId: ctx.channel.id, err: described, retryInMs: pauseMs }, 'mailbox connection failed');
      await sleep(pauseMs, ctx.signal);
      pauseMs = Math.min(pauseMs * 2, 60_000);
    }
  }
}

async function session(ctx: PullContext<EmailConfig>): Promise<void> {
  const client = await imapClient(ctx);
  let failure: unknown;
  client.on('error', (error: unknown) => {
    failure = error;
  });
  const stop = () => client.close();
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    await client.connect();
    await client.mailboxOpen(ctx.config.folder);
    const canIdle = client.capabilities.has('IDLE');
    ctx.health?.ok();
    ctx.logger.info({ channelId: ctx.channel.id, folder: ctx.config.folder, idle: canIdle }, 'mailbox open');
    while (!ctx.signal.aborted && client.usable) {
      await drain(client, ctx);
      const news = await waitForMail(client, ctx, canIdle);
      if (!news && client.usable && !ctx.signal.aborted) {
        // Without news for a while: select the folder afresh, so a folder that was dropped and made
        // again (new UIDVALIDITY) is noticed; a server need not tell a client idling in it.
        await client.mailboxClose();
        await client.mailboxOpen(ctx.config.folder);
      }
    }
    if (failure && !ctx.signal.aborted) throw failure;
    if (!client.usable && !ctx.signal.aborted) throw new Error('the IMAP connection closed');
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    if (client.usable) await client.logout().catch(() => client.close());
    else client.close();
  }
}

/** Everything past the cursor, oldest first, in batches; the cursor moves after each confirmed batch. */
export async function drain(client: ImapFlow, ctx: PullContext<EmailConfig>): Promise<number> {
  const mailbox = client.mailbox;
  if (!mailbox) throw new Error('no folder is open');
  const uidValidity = String(mailbox.uidValidity);
  const saved = (await ctx.cursor.load()) as Partial<MailboxCursor>;
  let lastUid = saved.uidValidity === uidValidity ? Number(saved.lastUid ?? 0) : 0;
  if (saved.uidValidity && saved.uidValidity !== uidValidity) {
    // The server renumbered the folder: read it all again; the dedupe key (Message-ID) drops what we have.
    ctx.logger.warn({ channelId: ctx.channel.id, was: saved.uidValidity, now: uidValidity }, 'UIDVALIDITY changed; reading the folder again');
  }
  if (mailbox.exists === 0) return 0;
  // `n:*` always matches the newest message, even when it is older than n (RFC 3501): filter.
  const sizes = (await client.fetchAll(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true }))
    .filter((m) => m.uid > lastUid)
    .sort((a, b) => a.uid - b.uid);
  const fetchBatch = async (batch: readonly { uid: number }[]): Promise<FetchedMail[]> => {
    const payloads: FetchedMail[] = [];
    for await (const message of client.fetch(batch.map((m) => m.uid).join(','), { uid: true, source: true }, { uid: true })) {
      if (message.source) payloads.push({ uidValidity, uid: message.uid, folder: ctx.config.folder, raw: message.source.toString('base64') });
    }
    return payloads.sort((a, b) => a.uid - b.uid);
  };
  // The next batch is read from the server while this one is parsed and handed over (at most two
  // batches in memory); the cursor still moves one confirmed batch at a time, in order.
  const list = batches(sizes);
  let handed = 0;
  let next = list.length ? fetchBatch(list[0]!) : undefined;
  try {
    for (const [index, batch] of list.entries()) {
      if (ctx.signal.aborted) break;
      const payloads = await next!;
      next = index + 1 < list.length ? fetchBatch(list[index + 1]!) : undefined;
      const accepted = await handOver(ctx, payloads);
      if (ctx.bus.kind === 'memory')
        await committed(
          ctx,
          accepted.map((m) => m.externalId),
        );
      lastUid = batch.at(-1)!.uid;
      await ctx.cursor.save({ uidValidity, lastUid } satisfies MailboxCursor);
      handed += payloads.length;
    }
  } finally {
    // A read still under way when the loop stops or fails is awaited (its failure is the session's).
    await next?.catch(() => undefined);
  }
  return handed;
}

/** Groups messages (uid order) so that no batch passes BATCH_MAILS or BATCH_BYTES (a larger mail goes alone). */
export function batches<T extends { uid: number; size?: number }>(messages: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.size ?? 0;
    if (current.length && (current.length >= BATCH_MAILS || bytes + size > BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * The batch to the bus with a confirm. A mail that cannot become a message (no sender, say)
 * must not block the ones after it: the batch is then handed over one by one and that mail is
 * left in the mailbox, logged.
 */
async function handOver(ctx: PullContext<EmailConfig>, payloads: FetchedMail[]): Promise<InboundMessage[]> {
  try {
    return await ctx.accept(payloads);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const accepted: InboundMessage[] = [];
    for (const payload of payloads) {
      try {
        accepted.push(...(await ctx.accept([payload])));
      } catch (single) {
        if (!(single instanceof ValidationError)) throw single;
        ctx.logger.warn({ channelId: ctx.channel.id, uid: payload.uid, err: single.message }, 'mail skipped; it stays in the mailbox');
      }
    }
    return accepted;
  }
}

/**
 * The in-process bus (the embedded mode) holds messages in memory: its "confirm" survives no
 * crash. There the cursor waits until the router has committed the batch, so a killed process
 * reads again what it had not stored, instead of skipping it.
 */
async function committed(ctx: PullContext<EmailConfig>, externalIds: string[]): Promise<void> {
  const ids = [...new Set(externalIds)];
  if (ids.length === 0) return;
  const deadline = Date.now() + 120_000;
  while (!ctx.signal.aborted) {
    const stored = await ctx.platform.messages.inboundConversations(ids);
    if (stored.size >= ids.length) return;
    if (Date.now() > deadline) throw new Error('the router did not store the batch in time; it will be read again');
    await sleep(50, ctx.signal);
  }
}

/**
 * Until new mail may be there: IDLE's EXISTS where the server has IDLE, or the poll interval
 * (which also bounds how long one IDLE lasts); or the loop stops. True when EXISTS came.
 */
async function waitForMail(client: ImapFlow, ctx: PullContext<EmailConfig>, canIdle: boolean): Promise<boolean> {
  if (ctx.signal.aborted) return false;
  return new Promise<boolean>((resolve) => {
    const done = (news: boolean) => {
      clearTimeout(timer);
      client.off('exists', onExists);
      client.off('close', onEnd);
      ctx.signal.removeEventListener('abort', onEnd);
      resolve(news);
    };
    const onExists = () => done(true);
    const onEnd = () => done(false);
    const timer = setTimeout(onEnd, Math.min(ctx.config.pollSeconds * 1000, IDLE_RENEW_MS));
    client.on('exists', onExists);
    client.on('close', onEnd);
    ctx.signal.addEventListener('abort', onEnd, { once: true });
    // IDLE ends by itself when the next command (the fetch after EXISTS) is sent.
    if (canIdle) client.idle().catch(onEnd);
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
