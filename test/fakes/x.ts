// A local stand-in for the X API v2 over HTTPS (the client library refuses plain HTTP), speaking
// its documented wire format: OAuth 1.0a (HMAC-SHA1) on every call, `GET /2/users/me`,
// `GET /2/dm_events` (newest first, `pagination_token`, `includes`), `POST
// /2/dm_conversations/with/:id/messages`, the chunked media upload (`/2/media/upload/initialize`,
// `/:id/append` as multipart, `/:id/finalize`), `x-rate-limit-*` headers and 429/503 answers in the
// v2 problem shape. It also makes Account Activity deliveries, signed like X signs them.
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import busboy from 'busboy';
import oauthSign from 'oauth-sign';

// A 1×1 transparent PNG: the picture a customer's DM carries unless a test gives one.
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
import { generate } from 'selfsigned';

export interface FakeXCredentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

export interface FakeDmEvent {
  id: string;
  event_type: 'MessageCreate';
  text: string;
  sender_id: string;
  created_at: string;
  dm_conversation_id: string;
  participant_ids?: string[];
  attachments?: { media_keys: string[] };
}

export interface FakeMedia {
  media_key: string;
  type: 'photo' | 'video' | 'animated_gif';
  url?: string;
  preview_image_url?: string;
}

export interface SentDm {
  recipientId: string;
  eventId: string;
  text: string | undefined;
  media: { id: string; bytes: number; mediaType: string; category: string }[];
  /** What reached X, as the kinds Switchboard speaks of. */
  parts: { type: 'text' | 'image'; text?: string; mediaId?: string }[];
}

export interface FakeX {
  url: string;
  /** PEM of the fake's certificate, for the channel's `caCertificate`. */
  ca: string;
  credentials: FakeXCredentials;
  me: { id: string; name: string; username: string };
  events: FakeDmEvent[];
  sent: SentDm[];
  /** Every call as it arrived: method, path with query, status answered. */
  calls: { method: string; path: string; status: number }[];
  /** A customer writes to the account; returns the event as `GET /2/dm_events` lists it. */
  /** A customer's DM; `photo` attaches a picture (these bytes, or a 1×1 PNG), served signed-only under the fake's own URL like ton.twitter.com. */
  customerWrites(customer: { id: string; name?: string; username?: string }, text: string, options?: { photo?: boolean | Buffer; at?: Date }): FakeDmEvent;
  /** The Account Activity delivery for these events, and its signature header. */
  webhookDelivery(events: FakeDmEvent[]): { body: Buffer; signature: string };
  /** Answers the next calls of a path (prefix, e.g. `/2/dm_events`) with these statuses. */
  failNext(pathPrefix: string, ...statuses: number[]): void;
  /** The rate limit of `GET /2/dm_events` per window. */
  limitDmEvents(limit: number, windowSeconds: number): void;
  /** Called when a request arrives, before it is answered; return false to leave it unanswered. */
  onRequest?: (method: string, path: string) => boolean | undefined;
  close(): Promise<void>;
}

const problem = (status: number, title: string, detail: string) => ({
  title,
  detail,
  type: status === 429 ? 'about:blank' : 'https://api.twitter.com/2/problems/resource-not-found',
  status,
});

/** The OAuth 1.0a parameters of an Authorization header, decoded. */
function oauthParams(header: string | undefined): Record<string, string> | undefined {
  if (!header?.startsWith('OAuth ')) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, value] of header.slice(6).matchAll(/([\w]+)="([^"]*)"/g)) params[key!] = decodeURIComponent(value!);
  return params;
}

/** A multipart/form-data body's fields as bytes (X's upload sends the media as a plain field). */
function multipartFields(contentType: string, body: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const fields = new Map<string, Buffer>();
    const parser = busboy({ headers: { 'content-type': contentType }, defCharset: 'latin1', limits: { fieldSize: 16 * 1024 * 1024 } });
    parser.on('field', (name, value) => fields.set(name, Buffer.from(value, 'latin1')));
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => fields.set(name, Buffer.concat(chunks)));
    });
    parser.on('close', () => resolve(fields));
    parser.on('error', reject);
    parser.end(body);
  });
}

export async function startFakeX(): Promise<FakeX> {
  const { private: key, cert } = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const credentials: FakeXCredentials = {
    consumerKey: `ck${randomBytes(8).toString('hex')}`,
    consumerSecret: `cs${randomBytes(16).toString('hex')}`,
    accessToken: `1500000000000000001-${randomBytes(10).toString('hex')}`,
    accessTokenSecret: `ats${randomBytes(16).toString('hex')}`,
  };
  const me = { id: '1500000000000000001', name: 'Acme Support', username: 'acme_support' };
  const users = new Map<string, { id: string; name: string; username: string }>([[me.id, me]]);
  const media = new Map<string, FakeMedia>();
  /** DM pictures' bytes by their path (`/1.1/ton/data/dm/<event>/<media>/<name>`). */
  const pictures = new Map<string, Buffer>();
  const uploads = new Map<string, { total: number; received: number; mediaType: string; category: string; finalized: boolean }>();
  const events: FakeDmEvent[] = [];
  const sent: SentDm[] = [];
  const calls: FakeX['calls'] = [];
  const failures: { prefix: string; status: number }[] = [];
  let limit = { max: 300, windowMs: 15 * 60_000, used: 0, resetAt: Date.now() + 15 * 60_000 };
  let nextId = 1860000000000000000n;
  let clock = 0;
  const newId = () => String((nextId += BigInt(1 + Math.floor(Math.random() * 1000))));
  const conversationOf = (a: string, b: string) => [a, b].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)).join('-');

  const fake: FakeX = {
    url: '',
    ca: cert,
    credentials,
    me,
    events,
    sent,
    calls,
    customerWrites(customer, text, options = {}) {
      users.set(customer.id, { id: customer.id, name: customer.name ?? `Customer ${customer.id}`, username: customer.username ?? `c${customer.id}` });
      // An explicit time is kept as given (a DM X lists late, behind newer ones).
      if (!options.at) clock = Math.max(clock + 1, Date.now());
      const event: FakeDmEvent = {
        id: newId(),
        event_type: 'MessageCreate',
        text,
        sender_id: customer.id,
        created_at: new Date(options.at?.getTime() ?? clock).toISOString(),
        dm_conversation_id: conversationOf(customer.id, me.id),
      };
      if (options.photo) {
        const mediaId = newId();
        const path = `/1.1/ton/data/dm/${event.id}/${mediaId}/abc.png`;
        pictures.set(path, Buffer.isBuffer(options.photo) ? options.photo : PNG_1X1);
        media.set(`3_${mediaId}`, { media_key: `3_${mediaId}`, type: 'photo', url: `${fake.url}${path}` });
        event.attachments = { media_keys: [`3_${mediaId}`] };
        event.text = `${text} https://t.co/${randomBytes(4).toString('hex')}`;
      }
      events.push(event);
      return event;
    },
    webhookDelivery(list) {
      const payload = {
        for_user_id: me.id,
        direct_message_events: list.map((e) => {
          const key = e.attachments?.media_keys[0];
          const m = key ? media.get(key) : undefined;
          return {
            type: 'message_create',
            id: e.id,
            created_timestamp: String(Date.parse(e.created_at)),
            message_create: {
              target: { recipient_id: e.sender_id === me.id ? e.dm_conversation_id.replace(me.id, '').replace('-', '') : me.id },
              sender_id: e.sender_id,
              message_data: {
                text: e.text,
                entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
                ...(m
                  ? { attachment: { type: 'media', media: { id: Number(key!.slice(2)), id_str: key!.slice(2), media_url_https: m.url, type: m.type } } }
                  : {}),
              },
            },
          };
        }),
        users: Object.fromEntries(
          [...new Set(list.flatMap((e) => [e.sender_id, me.id]))].map((id) => {
            const u = users.get(id)!;
            return [
              id,
              {
                id,
                created_timestamp: '1422556069340',
                name: u.name,
                screen_name: u.username,
                protected: false,
                verified: false,
                followers_count: 1,
                friends_count: 1,
                statuses_count: 1,
              },
            ];
          }),
        ),
      };
      // Written by hand so the ids in the body stay exactly as X writes them.
      const body = Buffer.from(JSON.stringify(payload).replace(/"id":"(\d+)","id_str"/g, '"id":$1,"id_str"'));
      return { body, signature: `sha256=${createHmac('sha256', credentials.consumerSecret).update(body).digest('base64')}` };
    },
    failNext(prefix, ...statuses) {
      for (const status of statuses) failures.push({ prefix, status });
    },
    limitDmEvents(max, windowSeconds) {
      limit = { max, windowMs: windowSeconds * 1000, used: 0, resetAt: Date.now() + windowSeconds * 1000 };
    },
    close: async () => {},
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? '/', fake.url);
    const method = req.method ?? 'GET';
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      calls.push({ method, path: url.pathname + url.search, status });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(payload === undefined ? '' : JSON.stringify(payload));
    };
    if (fake.onRequest?.(method, url.pathname + url.search) === false) return;

    // OAuth 1.0a: the signature over method, URL and parameters, under both secrets.
    const oauth = oauthParams(req.headers.authorization);
    if (!oauth || oauth.oauth_consumer_key !== credentials.consumerKey || oauth.oauth_token !== credentials.accessToken) {
      return send(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    }
    const { oauth_signature: signature, ...signed } = oauth;
    const params: Record<string, string> = { ...Object.fromEntries(url.searchParams), ...signed };
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString())));
    const expected = oauthSign.hmacsign(method, `${url.origin}${url.pathname}`, params, credentials.consumerSecret, credentials.accessTokenSecret);
    if (signature !== expected || oauth.oauth_signature_method !== 'HMAC-SHA1') {
      return send(401, { errors: [{ message: 'Could not authenticate you', code: 32 }] });
    }

    const failure = failures.findIndex((f) => url.pathname.startsWith(f.prefix));
    if (failure >= 0) {
      const { status } = failures.splice(failure, 1)[0]!;
      const titles: Record<number, string> = {
        429: 'Too Many Requests',
        503: 'Service Unavailable',
        500: 'Internal Server Error',
        403: 'Forbidden',
        400: 'Invalid Request',
      };
      const headers: Record<string, string> =
        status === 429
          ? { 'x-rate-limit-limit': String(limit.max), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil((Date.now() + 1500) / 1000)) }
          : {};
      return send(
        status,
        problem(
          status,
          titles[status] ?? 'Error',
          status === 403 ? 'You are not permitted to send a Direct Message to this user.' : (titles[status] ?? 'Error'),
        ),
        headers,
      );
    }

    if (method === 'GET' && url.pathname === '/2/users/me') return send(200, { data: me });

    if (method === 'GET' && url.pathname.startsWith('/1.1/ton/data/dm/')) {
      const bytes = pictures.get(url.pathname);
      if (!bytes) return send(404, { errors: [{ message: 'Sorry, that page does not exist', code: 34 }] });
      calls.push({ method, path: url.pathname, status: 200 });
      return void res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(bytes.length) }).end(bytes);
    }

    if (method === 'GET' && url.pathname === '/2/dm_events') {
      if (Date.now() >= limit.resetAt) limit = { ...limit, used: 0, resetAt: Date.now() + limit.windowMs };
      const rate = () => ({
        'x-rate-limit-limit': String(limit.max),
        'x-rate-limit-remaining': String(Math.max(0, limit.max - limit.used)),
        'x-rate-limit-reset': String(Math.ceil(limit.resetAt / 1000)),
      });
      if (limit.used >= limit.max) return send(429, problem(429, 'Too Many Requests', 'Too Many Requests'), rate());
      limit.used++;
      const max = Math.min(100, Math.max(1, Number(url.searchParams.get('max_results') ?? 100)));
      const token = url.searchParams.get('pagination_token');
      const sorted = [...events].sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      const after = token ? sorted.filter((e) => BigInt(e.id) < BigInt(Buffer.from(token, 'base64url').toString())) : sorted;
      const page = after.slice(0, max);
      const keys = page.flatMap((e) => e.attachments?.media_keys ?? []);
      return send(
        200,
        {
          ...(page.length ? { data: page } : {}),
          ...(page.length
            ? {
                includes: {
                  users: [...new Set(page.map((e) => e.sender_id))].map((id) => users.get(id)),
                  ...(keys.length ? { media: keys.map((k) => media.get(k)) } : {}),
                },
              }
            : {}),
          meta: { result_count: page.length, ...(after.length > max ? { next_token: Buffer.from(page.at(-1)!.id).toString('base64url') } : {}) },
        },
        rate(),
      );
    }

    if (method === 'POST' && url.pathname === '/2/media/upload/initialize') {
      const init = JSON.parse(body.toString()) as { media_type: string; total_bytes: number; media_category?: string };
      const id = newId();
      uploads.set(id, { total: init.total_bytes, received: 0, mediaType: init.media_type, category: init.media_category ?? '', finalized: false });
      return send(200, { data: { id, media_key: `3_${id}`, expires_after_secs: 86_400 } });
    }
    const append = /^\/2\/media\/upload\/(\d+)\/(append|finalize)$/.exec(url.pathname);
    if (method === 'POST' && append) {
      const upload = uploads.get(append[1]!);
      if (!upload) return send(400, problem(400, 'Invalid Request', 'media_id not found'));
      if (append[2] === 'append') {
        const form = await multipartFields(req.headers['content-type'] ?? '', body);
        const chunk = form.get('media');
        if (!chunk || !form.has('segment_index')) return send(400, problem(400, 'Invalid Request', 'media and segment_index are required'));
        upload.received += chunk.length;
        return send(200, { data: { expires_at: Math.floor(Date.now() / 1000) + 86_400 } });
      }
      if (upload.received !== upload.total) return send(400, problem(400, 'Invalid Request', `expected ${upload.total} bytes, got ${upload.received}`));
      upload.finalized = true;
      return send(200, { data: { id: append[1], media_key: `3_${append[1]}`, size: upload.total, expires_after_secs: 86_400 } });
    }

    const dm = /^\/2\/dm_conversations\/with\/(\d+)\/messages$/.exec(url.pathname);
    if (method === 'POST' && dm) {
      const message = JSON.parse(body.toString()) as { text?: string; attachments?: { media_id: string }[] };
      if (!message.text && !message.attachments?.length) return send(400, problem(400, 'Invalid Request', 'text or attachments required'));
      if ((message.attachments?.length ?? 0) > 1) return send(400, problem(400, 'Invalid Request', 'at most one attachment'));
      const attached = (message.attachments ?? []).map((a) => ({ id: a.media_id, upload: uploads.get(a.media_id) }));
      if (attached.some((a) => !a.upload?.finalized)) return send(400, problem(400, 'Invalid Request', 'media not uploaded'));
      const recipientId = dm[1]!;
      clock = Math.max(clock + 1, Date.now());
      const event: FakeDmEvent = {
        id: newId(),
        event_type: 'MessageCreate',
        text: message.text ?? '',
        sender_id: me.id,
        created_at: new Date(clock).toISOString(),
        dm_conversation_id: conversationOf(recipientId, me.id),
      };
      events.push(event);
      sent.push({
        recipientId,
        eventId: event.id,
        text: message.text,
        media: attached.map((a) => ({ id: a.id, bytes: a.upload!.total, mediaType: a.upload!.mediaType, category: a.upload!.category })),
        parts: [...(message.text ? [{ type: 'text' as const, text: message.text }] : []), ...attached.map((a) => ({ type: 'image' as const, mediaId: a.id }))],
      });
      return send(201, { data: { dm_conversation_id: event.dm_conversation_id, dm_event_id: event.id } });
    }
    send(404, problem(404, 'Not Found Error', `no route ${method} ${url.pathname}`));
  };

  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  fake.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}
