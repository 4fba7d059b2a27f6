import { Hono, type Context } from 'hono';
import { formFields, listen } from './http.js';

/**
 * A local Telegram Bot API (core.telegram.org/bots/api) for tests: `POST /bot<token>/<method>`
 * with parameters as JSON, form or multipart, answers `{"ok":true,"result":…}` or
 * `{"ok":false,"error_code":…,"description":…,"parameters":…}` as Telegram does, and serves
 * files at `/file/bot<token>/<file_path>`. Point a channel's `apiBaseUrl` at `url`.
 */
export interface FakeTelegram {
  url: string;
  token: string;
  /** Every method call, in order, with its parameters (uploaded files as name, type, size and bytes). */
  calls: { method: string; params: Record<string, any> }[];
  /** The calls that sent something to a chat. */
  sent(): { method: string; params: Record<string, any> }[];
  /** The webhook as set by setWebhook, or null. */
  webhook: { url: string; secret_token?: string; allowed_updates?: string[] } | null;
  /** A file the bot can fetch with getFile and download. */
  addFile(fileId: string, bytes: Buffer, filePath: string): void;
  /** An update getUpdates hands out (with update_id as given). */
  queueUpdate(update: { update_id: number } & Record<string, unknown>): void;
  /** Answers the next send with this error. */
  failNext(error: TelegramFailure): void;
  /** Chats whose user blocked the bot: sends to them get 403. */
  blocked: Set<string>;
  close(): Promise<void>;
}

export interface TelegramFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export const TELEGRAM_ERRORS = {
  tooManyRequests: (seconds: number): TelegramFailure => ({
    error_code: 429,
    description: `Too Many Requests: retry after ${seconds}`,
    parameters: { retry_after: seconds },
  }),
  blocked: { error_code: 403, description: 'Forbidden: bot was blocked by the user' },
  chatNotFound: { error_code: 400, description: 'Bad Request: chat not found' },
  badGateway: { error_code: 502, description: 'Bad Gateway' },
} satisfies Record<string, TelegramFailure | ((n: number) => TelegramFailure)>;

const SEND_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'sendAudio', 'sendVoice', 'sendVideo', 'sendLocation']);

export async function fakeTelegram(token = '123456:AAFakeTelegramBotTokenForTests_0123'): Promise<FakeTelegram> {
  const files = new Map<string, { bytes: Buffer; path: string }>();
  const updates: ({ update_id: number } & Record<string, unknown>)[] = [];
  const failures: TelegramFailure[] = [];
  const calls: FakeTelegram['calls'] = [];
  const blocked = new Set<string>();
  let nextMessageId = 1000;
  const state: { webhook: FakeTelegram['webhook'] } = { webhook: null };

  const ok = (c: Context, result: unknown) => c.json({ ok: true, result });
  const fail = (c: Context, f: TelegramFailure) => c.json({ ok: false, ...f }, f.error_code as 400);

  const app = new Hono();
  app.get('/file/:bot/*', (c) => {
    if (c.req.param('bot') !== `bot${token}`) return c.json({ ok: false, error_code: 401, description: 'Unauthorized' }, 401);
    const path = decodeURIComponent(c.req.path.slice(`/file/bot${token}/`.length));
    const file = [...files.values()].find((f) => f.path === path);
    if (!file) return c.json({ ok: false, error_code: 404, description: 'Not Found' }, 404);
    return c.body(new Uint8Array(file.bytes), 200, { 'content-type': 'application/octet-stream' });
  });
  app.on(['GET', 'POST'], '/:bot/:method', async (c) => {
    if (c.req.param('bot') !== `bot${token}`) return c.json({ ok: false, error_code: 401, description: 'Unauthorized' }, 401);
    const method = c.req.param('method');
    const type = c.req.header('content-type') ?? '';
    const params: Record<string, any> = { ...c.req.query() };
    if (type.startsWith('application/json')) Object.assign(params, await c.req.json());
    else if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
      Object.assign(params, await formFields(await c.req.parseBody()));
    }
    calls.push({ method, params });
    const chatId = params.chat_id === undefined ? undefined : String(params.chat_id);
    if (SEND_METHODS.has(method)) {
      const failure = failures.shift();
      if (failure) return fail(c, failure);
      if (!chatId) return fail(c, { error_code: 400, description: 'Bad Request: chat_id is empty' });
      if (blocked.has(chatId)) return fail(c, TELEGRAM_ERRORS.blocked);
    }
    const message = (extra: Record<string, unknown>) => ({
      message_id: nextMessageId++,
      from: { id: Number(token.split(':')[0]), is_bot: true, first_name: 'Shop Bot', username: 'shop_bot' },
      chat: { id: Number(chatId), type: 'private' },
      date: Math.floor(Date.now() / 1000),
      ...extra,
    });
    const media = (field: string) => {
      const value = params[field];
      if (value === undefined || value === '') return undefined;
      return {
        file_id: typeof value === 'string' ? value : `uploaded-${nextMessageId}`,
        file_unique_id: `u${nextMessageId}`,
        file_size: typeof value === 'string' ? 0 : value.size,
      };
    };
    switch (method) {
      case 'getMe':
        return ok(c, { id: Number(token.split(':')[0]), is_bot: true, first_name: 'Shop Bot', username: 'shop_bot' });
      case 'setWebhook':
        if (!String(params.url ?? '').startsWith('https://'))
          return fail(c, { error_code: 400, description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook' });
        state.webhook = {
          url: String(params.url),
          secret_token: params.secret_token,
          allowed_updates: typeof params.allowed_updates === 'string' ? JSON.parse(params.allowed_updates) : params.allowed_updates,
        };
        return c.json({ ok: true, result: true, description: 'Webhook was set' });
      case 'deleteWebhook':
        state.webhook = null;
        return c.json({ ok: true, result: true, description: 'Webhook was deleted' });
      case 'getWebhookInfo':
        return ok(c, { url: state.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: 0 });
      case 'getUpdates': {
        if (state.webhook)
          return fail(c, {
            error_code: 409,
            description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          });
        const offset = Number(params.offset ?? 0);
        // An offset confirms every update below it, as Telegram forgets them.
        while (updates.length && updates[0]!.update_id < offset) updates.shift();
        if (updates.length === 0 && Number(params.timeout ?? 0) > 0) await new Promise((r) => setTimeout(r, Math.min(200, Number(params.timeout) * 1000)));
        return ok(c, updates.slice(0, Number(params.limit ?? 100)));
      }
      case 'getFile': {
        const file = files.get(String(params.file_id ?? ''));
        if (!file) return fail(c, { error_code: 400, description: 'Bad Request: invalid file_id' });
        return ok(c, { file_id: params.file_id, file_unique_id: `uniq-${params.file_id}`, file_size: file.bytes.length, file_path: file.path });
      }
      case 'sendMessage': {
        const text = String(params.text ?? '');
        if (!text) return fail(c, { error_code: 400, description: 'Bad Request: message text is empty' });
        if ([...text].length > 4096) return fail(c, { error_code: 400, description: 'Bad Request: message is too long' });
        return ok(c, message({ text }));
      }
      case 'sendPhoto':
        return media('photo')
          ? ok(c, message({ photo: [media('photo')], caption: params.caption }))
          : fail(c, { error_code: 400, description: 'Bad Request: there is no photo in the request' });
      case 'sendDocument':
      case 'sendAudio':
      case 'sendVoice':
      case 'sendVideo': {
        const field = method.slice(4).toLowerCase();
        const file = media(field);
        return file
          ? ok(c, message({ [field]: file, caption: params.caption }))
          : fail(c, { error_code: 400, description: `Bad Request: there is no ${field} in the request` });
      }
      case 'sendLocation':
        return ok(c, message({ location: { latitude: Number(params.latitude), longitude: Number(params.longitude) } }));
      default:
        return c.json({ ok: false, error_code: 404, description: 'Not Found' }, 404);
    }
  });

  const server = await listen(app);
  return {
    url: server.url,
    token,
    calls,
    sent: () => calls.filter((call) => SEND_METHODS.has(call.method)),
    get webhook() {
      return state.webhook;
    },
    addFile: (fileId, bytes, path) => void files.set(fileId, { bytes, path }),
    queueUpdate: (update) => void updates.push(update),
    failNext: (error) => void failures.push(error),
    blocked,
    close: server.close,
  };
}
