import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for api.weixin.qq.com, answering on loopback in WeChat's documented wire
 * format: `{"access_token":…,"expires_in":7200}`, `{"errcode":0,"errmsg":"ok"}`, and errors as
 * `{"errcode":N,"errmsg":"… rid: …"}` with HTTP 200, the way WeChat answers them. Connectors
 * reach it through their configurable API base URL; nothing in them knows it is a fake.
 */
export interface CustomerServiceCall {
  token: string;
  body: Record<string, unknown>;
}

export interface UploadedMedia {
  mediaId: string;
  type: string;
  name: string;
  mimeType: string;
  bytes: Buffer;
}

/** WeChat's own texts for the errcodes the connectors handle. */
export const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40003: 'invalid openid',
  40007: 'invalid media_id',
  40113: 'unsupported file type',
  40013: 'invalid appid',
  40125: 'invalid appsecret',
  42001: 'access_token expired',
  43004: 'require subscribe',
  45009: 'reach max api daily quota limit',
  45015: 'response out of time limit or subscription is canceled',
  45047: 'out of response count limit',
};

export class FakeWechatApi {
  readonly customerService: CustomerServiceCall[] = [];
  readonly uploads = new Map<string, UploadedMedia>();
  /** Media followers "sent", served by /cgi-bin/media/get. */
  readonly media = new Map<string, { bytes: Buffer; mimeType: string; name: string }>();
  /** Every token handed out, and how. */
  readonly tokensIssued: { token: string; via: 'token' | 'stable_token'; force: boolean }[] = [];
  /** Every request for a token, answered with a new one or not. */
  tokenRequests = 0;
  /** Followers whose reply window WeChat considers closed. */
  readonly closedWindows = new Set<string>();
  expiresIn = 7200;
  private validTokens = new Set<string>();
  private stable: { token: string; expiresAt: number } | undefined;
  private expiredTokens = new Set<string>();
  private failures: { path: string; errcode: number; status?: number }[] = [];
  private server: Server | undefined;
  url = '';

  constructor(
    readonly appId: string,
    readonly appSecret: string,
  ) {}

  static async start(appId: string, appSecret: string): Promise<FakeWechatApi> {
    const fake = new FakeWechatApi(appId, appSecret);
    fake.server = createServer((req, res) => {
      fake.route(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
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

  /** The next call to `path` answers this errcode (or, with `status`, this HTTP status). */
  failNext(path: string, errcode: number, status?: number): void {
    this.failures.push({ path, errcode, status });
  }

  /** Every token handed out so far stops working, as when it expired (42001). */
  expireTokens(): void {
    for (const token of this.validTokens) this.expiredTokens.add(token);
    this.validTokens.clear();
  }

  /** A follower's image or voice, as if they had just sent it. */
  addMedia(bytes: Buffer, mimeType: string, name: string): string {
    const mediaId = randomBytes(24).toString('base64url');
    this.media.set(mediaId, { bytes, mimeType, name });
    return mediaId;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    const failure = this.failures.findIndex((f) => f.path === url.pathname);
    if (failure >= 0) {
      const [f] = this.failures.splice(failure, 1);
      if (f!.status) return void res.writeHead(f!.status, { 'content-type': 'text/html' }).end('<html>busy</html>');
      return error(res, f!.errcode);
    }
    switch (url.pathname) {
      case '/cgi-bin/token':
        return this.issueToken(res, url.searchParams.get('appid'), url.searchParams.get('secret'), 'token', false, url.searchParams.get('grant_type'));
      case '/cgi-bin/stable_token': {
        if (req.method !== 'POST') return error(res, 43002);
        const json = parseJson(body);
        if (!json) return error(res, 47001);
        return this.issueToken(res, stringOf(json.appid), stringOf(json.secret), 'stable_token', json.force_refresh === true, stringOf(json.grant_type));
      }
    }
    const token = url.searchParams.get('access_token') ?? '';
    if (!this.validTokens.has(token)) return error(res, this.expiredTokens.has(token) ? 42001 : 40001);
    switch (url.pathname) {
      case '/cgi-bin/message/custom/send': {
        const json = parseJson(body);
        if (!json) return error(res, 47001);
        const touser = stringOf(json.touser);
        if (!touser) return error(res, 40003);
        if (this.closedWindows.has(touser)) return error(res, 45015);
        const type = stringOf(json.msgtype);
        if (type === 'image' || type === 'voice') {
          const mediaId = stringOf((json[type] as Record<string, unknown> | undefined)?.media_id);
          if (!mediaId || this.uploads.get(mediaId)?.type !== type) return error(res, 40007);
        }
        this.customerService.push({ token, body: json });
        return ok(res, { errcode: 0, errmsg: 'ok' });
      }
      case '/cgi-bin/media/upload': {
        const type = url.searchParams.get('type') ?? '';
        if (!['image', 'voice', 'video', 'thumb'].includes(type)) return error(res, 40004);
        const form = await new Request('http://fake', {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? '' },
          body: new Uint8Array(body),
        })
          .formData()
          .catch(() => undefined);
        const file = form?.get('media');
        if (!file || typeof file === 'string') return error(res, 41005);
        // Voice media: AMR or MP3 only, as WeChat's media upload documents.
        if (type === 'voice' && !/\.(amr|mp3)$/i.test(file.name)) return error(res, 40113);
        const mediaId = randomBytes(32).toString('base64url');
        this.uploads.set(mediaId, { mediaId, type, name: file.name, mimeType: file.type, bytes: Buffer.from(await file.arrayBuffer()) });
        return ok(res, { type, media_id: mediaId, created_at: Math.floor(Date.now() / 1000) });
      }
      case '/cgi-bin/media/get': {
        const media = this.media.get(url.searchParams.get('media_id') ?? '');
        if (!media) return error(res, 40007);
        res.writeHead(200, {
          'content-type': media.mimeType,
          'content-disposition': `attachment; filename="${media.name}"`,
          'content-length': String(media.bytes.length),
        });
        return void res.end(media.bytes);
      }
      default:
        return error(res, 48001);
    }
  }

  private issueToken(
    res: ServerResponse,
    appId: string | null,
    secret: string | null,
    via: 'token' | 'stable_token',
    force: boolean,
    grant: string | null,
  ): void {
    this.tokenRequests++;
    if (grant !== 'client_credential') {
      error(res, 40002);
      return;
    }
    if (appId !== this.appId) {
      error(res, 40013);
      return;
    }
    if (secret !== this.appSecret) {
      error(res, 40125);
      return;
    }
    // stable_token hands out the token still in force unless told to force a new one (which ends the old one).
    if (via === 'stable_token' && !force && this.stable && this.validTokens.has(this.stable.token)) {
      const left = this.stable.expiresAt - Math.floor(Date.now() / 1000);
      if (left > 0) {
        ok(res, { access_token: this.stable.token, expires_in: left });
        return;
      }
    }
    if (force) this.expireTokens();
    const token = randomBytes(48).toString('base64url');
    this.validTokens.add(token);
    if (via === 'stable_token') this.stable = { token, expiresAt: Math.floor(Date.now() / 1000) + this.expiresIn };
    this.tokensIssued.push({ token, via, force });
    ok(res, { access_token: token, expires_in: this.expiresIn });
  }
}

const rid = () => `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;

function error(res: ServerResponse, errcode: number): void {
  ok(res, { errcode, errmsg: `${ERRMSG[errcode] ?? 'error'} rid: ${rid()}` });
}

function ok(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json; encoding=utf-8' }).end(JSON.stringify(body));
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const stringOf = (value: unknown) => (typeof value === 'string' ? value : null);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
