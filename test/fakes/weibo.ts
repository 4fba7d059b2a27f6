// A local stand-in for Weibo's fans service: the reply API (`POST /2/messages/reply.json`, form
// encoded, `data` as JSON, errors as {request, error_code, error}) and the signed pushes Weibo
// makes to a developer's URL. Formats from open.weibo.com/wiki (Receive_General_Message,
// Send_Customer_Service_Message, Messages_api_start).
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface WeiboReply {
  receiverId: string;
  type: 'text' | 'articles' | 'position';
  data: Record<string, unknown>;
  saveSenderBox: string | undefined;
  id: string;
}

export type WeiboFailure = 'expired_token' | 'rate_limited' | 'system_busy' | 'server_error' | 'no_quota';

export interface FakeWeibo {
  /** Base URL of the reply API (the channel's `apiBaseUrl`). */
  url: string;
  accessToken: string;
  replies: WeiboReply[];
  /** Every request, answered or refused, for assertions on what reached it. */
  requests: { path: string; query: Record<string, string>; form: Record<string, string>; status: number }[];
  /** Fans the account may answer (Weibo's quota); empty means anyone. */
  allow(fanId: string): void;
  failNext(...failures: WeiboFailure[]): void;
  /** A fan's picture or voice message, served by `GET /2/mss/msget?fid=`; returns its fid (an int64). */
  addMedia(bytes: Buffer, mimeType: string): string;
  close(): Promise<void>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** A time as Weibo writes `created_at`, in China time: "Mon Jul 16 18:09:20 +0800 2012". */
export function weiboTime(date: Date): string {
  const cst = new Date(date.getTime() + 8 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[cst.getUTCDay()]} ${MONTHS[cst.getUTCMonth()]} ${pad(cst.getUTCDate())} ${pad(cst.getUTCHours())}:${pad(cst.getUTCMinutes())}:${pad(cst.getUTCSeconds())} +0800 ${cst.getUTCFullYear()}`;
}

/** The query Weibo puts on a push or URL check: sha1 of the sorted app secret, timestamp (ms) and nonce. */
export function signedWeiboQuery(appSecret: string, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const nonce = String(randomBytes(4).readUInt32BE());
  const signature = createHash('sha1').update([appSecret, timestamp, nonce].sort().join('')).digest('hex');
  return { signature, timestamp, nonce };
}

/** A push body as Weibo sends it: ids as bare JSON integers, exactly as written (never through a JS number). */
export function weiboPushBody(fields: {
  type: string;
  senderId: string;
  receiverId: string;
  createdAt: Date;
  text?: string;
  data?: Record<string, unknown>;
}): Buffer {
  return Buffer.from(
    `{"type":${JSON.stringify(fields.type)},"receiver_id":${fields.receiverId},"sender_id":${fields.senderId},` +
      `"created_at":${JSON.stringify(weiboTime(fields.createdAt))},"text":${JSON.stringify(fields.text ?? '')},"data":${JSON.stringify(fields.data ?? {})}}`,
  );
}

const ERRORS: Record<Exclude<WeiboFailure, 'server_error'>, { status: number; code: string; error: string }> = {
  expired_token: { status: 403, code: '21327', error: 'expired_token' },
  rate_limited: { status: 403, code: '10023', error: 'User requests out of rate limit!' },
  system_busy: { status: 400, code: '10009', error: 'Task too busy, please try again later' },
  // Not in Weibo's public error table (the fan has no reply quota left); the connector checks
  // the window itself and only needs this classified as permanent.
  no_quota: { status: 403, code: '20603', error: 'no quota to send message to this user' },
};

export async function startFakeWeibo(options: { accessToken?: string } = {}): Promise<FakeWeibo> {
  const accessToken = options.accessToken ?? `2.00${randomBytes(12).toString('hex')}`;
  const replies: WeiboReply[] = [];
  const requests: FakeWeibo['requests'] = [];
  const failures: WeiboFailure[] = [];
  const allowed = new Set<string>();
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  let nextId = 4300000000000000001n;
  let nextFid = 3900000000000000001n;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const query = Object.fromEntries(url.searchParams);
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const answer = (status: number, body: string) => {
        requests.push({ path: url.pathname, query, form, status });
        res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(body);
      };
      const error = (status: number, code: string, message: string) =>
        answer(status, JSON.stringify({ request: url.pathname, error_code: code, error: message }));

      if (req.method === 'GET' && url.pathname === '/2/mss/msget') {
        if (query.access_token !== accessToken) return error(403, '21332', 'invalid_access_token');
        const file = media.get(query.fid ?? '');
        if (!file) return error(400, '10017', `Parameter (fid)'s value invalid`);
        requests.push({ path: url.pathname, query, form, status: 200 });
        return void res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.bytes.length) }).end(file.bytes);
      }
      if (req.method !== 'POST' || url.pathname !== '/2/messages/reply.json') return error(404, '10021', 'HTTP method is not suported for this request!');
      const failure = failures.shift();
      if (failure === 'server_error') return answer(502, '<html><body>502 Bad Gateway</body></html>');
      if (failure) return error(ERRORS[failure].status, ERRORS[failure].code, ERRORS[failure].error);
      if (query.access_token !== accessToken) return error(403, '21332', 'invalid_access_token');
      if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
        return error(400, '10008', 'Param error, see doc for more info.');
      const { receiver_id: receiverId, type, data } = form;
      if (!receiverId || !/^\d+$/.test(receiverId)) return error(400, '10016', 'Miss required parameter (receiver_id)');
      if (type !== 'text' && type !== 'articles' && type !== 'position') return error(400, '10017', `Parameter (type)'s value invalid`);
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(data ?? '') as Record<string, unknown>;
      } catch {
        return error(400, '10017', `Parameter (data)'s value invalid`);
      }
      if (type === 'text' && (typeof parsed.text !== 'string' || [...parsed.text].length > 300))
        return error(400, '20012', 'Text too long, please input text less than 300 characters!');
      if (allowed.size > 0 && !allowed.has(receiverId)) return error(ERRORS.no_quota.status, ERRORS.no_quota.code, ERRORS.no_quota.error);
      const id = String(nextId++);
      replies.push({ receiverId, type, data: parsed, saveSenderBox: form.save_sender_box, id });
      // The id is written as a bare int64, as Weibo writes ids.
      answer(200, `{"id":${id},"idstr":"${id}","sender_id":1902538057,"recipient_id":${receiverId},"created_at":"${weiboTime(new Date())}"}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    accessToken,
    replies,
    requests,
    allow: (fanId) => void allowed.add(fanId),
    failNext: (...f) => void failures.push(...f),
    addMedia: (bytes, mimeType) => {
      const fid = String(nextFid++);
      media.set(fid, { bytes, mimeType });
      return fid;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
