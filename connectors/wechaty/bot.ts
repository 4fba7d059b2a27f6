import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Message, Wechaty } from 'wechaty';
import { UnsupportedFileError } from '../../core/attachments/store.js';
import type { PullContext } from '../../core/connector/define.js';
import { ValidationError } from '../../core/errors.js';
import type { WechatyConfig } from './connector.js';
import type { BotMessage } from './normalize.js';
import { createPuppet } from './puppets.js';

type Ctx = PullContext<WechatyConfig>;

/** The bots this process runs and are logged in, by channel: replies go out through them. */
const loggedIn = new Map<string, Wechaty>();

export function botOf(channelId: string): Wechaty | undefined {
  return loggedIn.get(channelId);
}

/** Wechaty is large (seconds and ~100 MB to load): loaded when a channel's bot starts, not with the connector. */
type WechatyModule = typeof import('wechaty');

const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => {});
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The channel's bot as a pull loop (one per channel across the cluster): start it with the
 * configured puppet, show its login QR code and state in the console, hand every message it
 * hears to the bus, and start it again with a growing pause when it fails.
 */
export async function runBot(ctx: Ctx): Promise<void> {
  let pauseMs = 1000;
  while (!ctx.signal.aborted) {
    try {
      await session(ctx);
      pauseMs = 1000;
    } catch (error) {
      if (ctx.signal.aborted) break;
      ctx.logger.warn({ channelId: ctx.channel.id, err: describe(error), retryInMs: pauseMs }, 'Wechaty bot failed');
      await ctx.reportState({ state: 'error', detail: describe(error).slice(0, 1000) }).catch(() => {});
      await sleep(pauseMs, ctx.signal);
      pauseMs = Math.min(pauseMs * 2, 60_000);
    }
  }
  await ctx.reportState({ state: 'stopped' }).catch(() => {});
}

async function session(ctx: Ctx): Promise<void> {
  await ctx.reportState({ state: 'starting', detail: `starting ${ctx.config.puppet}` });
  const wechaty = await import('wechaty');
  const { ScanStatus, WechatyBuilder } = wechaty;
  // The puppet service's gRPC client resolves and connects by itself; the endpoint is the
  // company's, so its host is checked first (a name that changes its answer in between is not).
  if (ctx.config.puppetEndpoint) await ctx.outbound.resolve(endpointHost(ctx.config.puppetEndpoint));
  const puppet = await createPuppet(ctx.config);
  // The bot's login session is kept beside the attachments, so a restart need not scan again.
  await mkdir(join(ctx.dataDir, 'wechaty'), { recursive: true });
  const bot = WechatyBuilder.build({ name: join(ctx.dataDir, 'wechaty', ctx.channel.id), puppet });
  const report = (r: Parameters<Ctx['reportState']>[0]) =>
    ctx.reportState(r).catch((error: unknown) => ctx.logger.warn({ channelId: ctx.channel.id, err: describe(error) }, 'could not record the bot’s state'));
  let handling = Promise.resolve();
  let fail: (error: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});

  bot.on('scan', (qrCode, status) => {
    if (status === ScanStatus.Scanned) void report({ state: 'waiting_for_scan', detail: 'scanned: confirm the login on the phone' });
    else if (qrCode && (status === ScanStatus.Waiting || status === ScanStatus.Timeout))
      void report({ state: 'waiting_for_scan', qrCode, detail: 'scan the code with the WeChat app of the account this channel answers as' });
  });
  bot.on('login', (user) => {
    loggedIn.set(ctx.channel.id, bot);
    ctx.logger.info({ channelId: ctx.channel.id, account: user.id }, 'Wechaty bot logged in');
    void report({ state: 'logged_in', account: `${user.name()} (${user.id})` });
  });
  bot.on('logout', (user, reason) => {
    loggedIn.delete(ctx.channel.id);
    ctx.logger.info({ channelId: ctx.channel.id, account: user.id }, 'Wechaty bot logged out');
    void report({ state: 'logged_out', detail: reason ? String(reason).slice(0, 500) : 'logged out: scan the new code to log in again' });
  });
  bot.on('error', (error) => {
    ctx.logger.warn({ channelId: ctx.channel.id, err: describe(error) }, 'Wechaty bot error');
    void report({ state: 'error', detail: describe(error).slice(0, 1000) });
  });
  // One at a time, in the order WeChat delivered them.
  bot.on('message', (message) => {
    handling = handling.then(() => handle(ctx, wechaty, message)).catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
  });

  try {
    await bot.start();
    await Promise.race([
      failed,
      new Promise<void>((resolve) => (ctx.signal.aborted ? resolve() : ctx.signal.addEventListener('abort', () => resolve(), { once: true }))),
    ]);
    await handling;
  } finally {
    if (loggedIn.get(ctx.channel.id) === bot) loggedIn.delete(ctx.channel.id);
    await bot.stop().catch((error: unknown) => ctx.logger.warn({ channelId: ctx.channel.id, err: describe(error) }, 'Wechaty bot did not stop cleanly'));
  }
}

/**
 * One message the bot heard → the bus. The bot's own messages and rooms the channel does not
 * answer are left out. WeChat will not deliver a message again, so one the bus cannot take now
 * is tried again until it can (or the loop stops).
 */
async function handle(ctx: Ctx, wechaty: WechatyModule, message: Message): Promise<void> {
  if (message.self()) return;
  const room = message.room();
  if (room && (ctx.config.rooms === 'off' || (ctx.config.rooms === 'mentions' && !(await message.mentionSelf())))) return;
  const payload = await payloadOf(ctx, wechaty, message);
  if (!payload) return;
  for (let pauseMs = 500; !ctx.signal.aborted; pauseMs = Math.min(pauseMs * 2, 30_000)) {
    try {
      await ctx.accept([payload]);
      return;
    } catch (error) {
      if (error instanceof ValidationError) {
        ctx.logger.warn({ channelId: ctx.channel.id, messageId: message.id, err: error.message }, 'WeChat message skipped: not a valid message');
        return;
      }
      ctx.logger.warn(
        { channelId: ctx.channel.id, messageId: message.id, err: describe(error), retryInMs: pauseMs },
        'the bus did not take a WeChat message; trying again',
      );
      await sleep(pauseMs, ctx.signal);
    }
  }
}

async function payloadOf(ctx: Ctx, { types }: WechatyModule, message: Message): Promise<BotMessage | undefined> {
  const fileKinds = new Map<number, BotMessage['kind']>([
    [types.Message.Image, 'image'],
    [types.Message.Attachment, 'file'],
    [types.Message.Audio, 'audio'],
    [types.Message.Video, 'video'],
  ]);
  const talker = message.talker();
  const room = message.room();
  const base = {
    id: message.id,
    at: message.date().toISOString(),
    talker: { id: talker.id, name: talker.name() || undefined },
    ...(room ? { room: { id: room.id, topic: (await room.topic()) || undefined } } : {}),
  };
  const type = message.type();
  if (type === types.Message.Text) return { ...base, kind: 'text', text: message.text() };
  if (type === types.Message.Url) {
    const link = await message.toUrlLink();
    return { ...base, kind: 'link', link: { url: link.url(), title: link.title() || undefined, description: link.description() || undefined } };
  }
  if (type === types.Message.Location) {
    const place = await message.toLocation();
    return {
      ...base,
      kind: 'location',
      location: { latitude: place.latitude(), longitude: place.longitude(), name: place.name() || undefined, address: place.address() || undefined },
    };
  }
  const kind = fileKinds.get(type);
  if (!kind) {
    ctx.logger.debug({ channelId: ctx.channel.id, type: types.Message[type] }, 'a kind of WeChat message Switchboard does not show');
    return undefined;
  }
  const box = await message.toFileBox();
  const bytes = await box.toBuffer();
  const file = { name: box.name, mimeType: box.mediaType, size: bytes.length };
  try {
    const stored = await ctx.attachments.put({
      owner: talker.id,
      name: box.name,
      bytes,
      declaredType: box.mediaType,
      maxBytes: ctx.config.maxFileBytes,
      key: message.id,
    });
    return { ...base, kind, file: { attachmentId: stored.id, name: stored.name, mimeType: stored.mimeType, size: stored.size } };
  } catch (error) {
    if (!(error instanceof UnsupportedFileError)) throw error;
    return { ...base, kind, file: { ...file, note: error.message } };
  }
}

/** The host of a `host:port` (or `[v6]:port`) endpoint. */
function endpointHost(endpoint: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(endpoint);
  if (bracketed) return bracketed[1]!;
  const parts = endpoint.split(':');
  // More than one colon and no brackets: a bare IPv6 address.
  return parts.length > 2 ? endpoint : parts[0]!;
}
