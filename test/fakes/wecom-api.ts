import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for qyapi.weixin.qq.com's customer-service API (微信客服), in WeCom's wire
 * format: `{"errcode":0,"errmsg":"ok",…}`, errors as `{"errcode":N,"errmsg":"…, hint: […], more
 * info at …"}` with HTTP 200. sync_msg pages through the waiting messages with an opaque cursor.
 */
export const WECOM_ERRMSG: Record<number, string> = {
  [-1]: 'system busy',
  40001: 'invalid credential',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40004: 'invalid media type',
  40007: 'invalid media_id',
  40058: 'invalid parameter',
  41005: 'media data missing',
  42001: 'access_token expired',
  95001: 'send msg count reach limit',
  95011: 'invalid open_kfid',
  95016: 'not allow this state transfer',
  95018: 'send msg session status invalid',
};

/** What WeCom's documentation says about replies from the API: 5 within 48 hours of the customer's last message. */
const REPLIES_PER_MESSAGE = 5;
const REPLY_WINDOW_MS = 48 * 3600 * 1000;

/** A customer's session with one account: its service_state, who serves it, and the replies left. */
interface Session {
  state: number;
  servicer?: string;
  lastCustomerMessageAt: number;
  repliesLeft: number;
}

export class FakeWecomApi {
  /** Messages waiting on each customer-service account, oldest first, as sync_msg lists them. */
  readonly waiting = new Map<string, Record<string, unknown>[]>();
  readonly sent: { token: string; body: Record<string, unknown> }[] = [];
  readonly stateChanges: Record<string, unknown>[] = [];
  /** Sessions by `open_kfid|external_userid`; a customer without one can be written to freely. */
  readonly sessions = new Map<string, Session>();
  /** Files customers sent (served by media/get) and files uploaded (media/upload). */
  readonly media = new Map<string, { bytes: Buffer; mimeType: string; name: string }>();
  readonly uploads = new Map<string, { type: string; name: string; mimeType: string; bytes: Buffer }>();
  readonly syncCalls: { cursor?: string; token?: string; limit: number }[] = [];
  tokensIssued = 0;
  private tokens = new Set<string>();
  private callbackTokens = new Set<string>();
  private failures: { path: string; errcode: number }[] = [];
  private server: Server | undefined;
  url = '';

  constructor(
    readonly corpId: string,
    readonly secret: string,
  ) {}

  static async start(corpId: string, secret: string): Promise<FakeWecomApi> {
    const fake = new FakeWecomApi(corpId, secret);
    fake.server = createServer((req, res) => {
      fake.route(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  failNext(path: string, errcode: number): void {
    this.failures.push({ path, errcode });
  }

  /** A customer's message waiting on an account; returns its msgid. */
  enqueue(openKfId: string, message: Record<string, unknown>): void {
    if (message.origin === 3 && typeof message.external_userid === 'string') this.customerWrote(openKfId, message.external_userid);
    const list = this.waiting.get(openKfId) ?? [];
    list.push({ open_kfid: openKfId, ...message });
    this.waiting.set(openKfId, list);
  }

  /** The customer wrote: an ended session becomes new again, and 5 replies may follow within 48 hours. */
  customerWrote(openKfId: string, externalUserId: string, at = Date.now()): void {
    const session = this.sessions.get(`${openKfId}|${externalUserId}`);
    const state = !session || session.state === 4 ? 0 : session.state;
    this.sessions.set(`${openKfId}|${externalUserId}`, { ...session, state, lastCustomerMessageAt: at, repliesLeft: REPLIES_PER_MESSAGE });
  }

  /** Puts a session in a state, as WeCom's own app or rules would (a member took it, it ended). */
  setSession(openKfId: string, externalUserId: string, state: number, servicer?: string): void {
    const session = this.sessions.get(`${openKfId}|${externalUserId}`) ?? { state: 0, lastCustomerMessageAt: Date.now(), repliesLeft: REPLIES_PER_MESSAGE };
    this.sessions.set(`${openKfId}|${externalUserId}`, { ...session, state, servicer });
  }

  /** A file as if a customer had sent it; returns its media_id. */
  addMedia(bytes: Buffer, mimeType: string, name: string): string {
    const mediaId = randomBytes(24).toString('base64url');
    this.media.set(mediaId, { bytes, mimeType, name });
    return mediaId;
  }

  /** The Token a kf_msg_or_event callback carries (valid 10 minutes). */
  callbackToken(): string {
    const token = `ENC${randomBytes(24).toString('base64url')}`;
    this.callbackTokens.add(token);
    return token;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const json = parseJson(Buffer.concat(chunks));
    const index = this.failures.findIndex((f) => f.path === url.pathname);
    if (index >= 0) return error(res, this.failures.splice(index, 1)[0]!.errcode);
    if (url.pathname === '/cgi-bin/gettoken') {
      if (url.searchParams.get('corpid') !== this.corpId) return error(res, 40013);
      if (url.searchParams.get('corpsecret') !== this.secret) return error(res, 40001);
      const token = randomBytes(48).toString('base64url');
      this.tokens.add(token);
      this.tokensIssued++;
      return ok(res, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
    }
    const token = url.searchParams.get('access_token') ?? '';
    if (!this.tokens.has(token)) return error(res, 40014);
    if (url.pathname === '/cgi-bin/media/get') {
      const media = this.media.get(url.searchParams.get('media_id') ?? '');
      if (!media) return error(res, 40007);
      res.writeHead(200, {
        'content-type': media.mimeType,
        'content-disposition': `attachment; filename="${media.name}"`,
        'content-length': String(media.bytes.length),
      });
      return void res.end(media.bytes);
    }
    if (url.pathname === '/cgi-bin/media/upload') {
      const type = url.searchParams.get('type') ?? '';
      if (!['image', 'voice', 'video', 'file'].includes(type)) return error(res, 40004);
      const form = await new Request('http://fake', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: new Uint8Array(Buffer.concat(chunks)),
      })
        .formData()
        .catch(() => undefined);
      const file = form?.get('media');
      if (!file || typeof file === 'string') return error(res, 41005);
      const mediaId = randomBytes(32).toString('base64url');
      this.uploads.set(mediaId, { type, name: file.name, mimeType: file.type, bytes: Buffer.from(await file.arrayBuffer()) });
      return ok(res, { errcode: 0, errmsg: '', type, media_id: mediaId, created_at: String(Math.floor(Date.now() / 1000)) });
    }
    if (!json) return error(res, 40058);
    switch (url.pathname) {
      case '/cgi-bin/kf/sync_msg': {
        const openKfId = typeof json.open_kfid === 'string' ? json.open_kfid : '';
        const limit = typeof json.limit === 'number' ? json.limit : 1000;
        if (limit < 1 || limit > 1000) return error(res, 40058);
        const cursor = typeof json.cursor === 'string' ? json.cursor : undefined;
        this.syncCalls.push({ cursor, token: typeof json.token === 'string' ? json.token : undefined, limit });
        const list = this.waiting.get(openKfId) ?? [];
        const from = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
        if (!Number.isInteger(from) || from < 0) return error(res, 40058);
        const page = list.slice(from, from + limit);
        const next = from + page.length;
        return ok(res, {
          errcode: 0,
          errmsg: 'ok',
          next_cursor: Buffer.from(String(next)).toString('base64url'),
          has_more: next < list.length ? 1 : 0,
          msg_list: page,
        });
      }
      case '/cgi-bin/kf/send_msg': {
        if (typeof json.touser !== 'string' || typeof json.open_kfid !== 'string') return error(res, 40058);
        for (const kind of ['image', 'file'] as const) {
          const ref = json[kind] as { media_id?: string } | undefined;
          if (json.msgtype === kind && (!ref?.media_id || !this.uploads.has(ref.media_id))) return error(res, 40007);
        }
        const session = this.sessions.get(`${json.open_kfid}|${json.touser}`);
        if (session) {
          // Only a new session or one served through the API takes messages from the API.
          if (session.state !== 0 && session.state !== 1) return error(res, 95018);
          if (session.repliesLeft <= 0 || Date.now() - session.lastCustomerMessageAt > REPLY_WINDOW_MS) return error(res, 95001);
          session.repliesLeft--;
        }
        this.sent.push({ token, body: json });
        return ok(res, { errcode: 0, errmsg: 'ok', msgid: typeof json.msgid === 'string' ? json.msgid : randomBytes(16).toString('hex') });
      }
      case '/cgi-bin/kf/service_state/get': {
        const session = this.sessions.get(`${json.open_kfid}|${json.external_userid}`);
        const state = session?.state ?? 0;
        return ok(res, { errcode: 0, errmsg: 'ok', service_state: state, ...(state === 3 ? { servicer_userid: session?.servicer ?? '' } : {}) });
      }
      case '/cgi-bin/kf/service_state/trans': {
        const key = `${json.open_kfid}|${json.external_userid}`;
        const to = json.service_state;
        if (typeof to !== 'number' || to < 0 || to > 4 || (to === 3 && typeof json.servicer_userid !== 'string')) return error(res, 40058);
        const session = this.sessions.get(key);
        // An ended session stays ended until the customer writes again.
        if (session?.state === 4) return error(res, 95016);
        this.stateChanges.push(json);
        this.sessions.set(key, {
          lastCustomerMessageAt: Date.now(),
          repliesLeft: REPLIES_PER_MESSAGE,
          ...session,
          state: to,
          servicer: typeof json.servicer_userid === 'string' ? json.servicer_userid : undefined,
        });
        return ok(res, { errcode: 0, errmsg: 'ok', msg_code: randomBytes(8).toString('hex') });
      }
      default:
        return error(res, 40058);
    }
  }
}

function error(res: ServerResponse, errcode: number): void {
  const hint = randomBytes(8).readBigUInt64BE().toString();
  ok(res, { errcode, errmsg: `${WECOM_ERRMSG[errcode] ?? 'error'}, hint: [${hint}], more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}` });
}

function ok(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8') || 'null');
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
