import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { convert } from 'xmlbuilder2';

/**
 * Twilio as a voice channel sees it: it posts form-encoded webhooks signed with
 * `X-Twilio-Signature` (base64 HMAC-SHA1 over the public URL and the sorted parameters) and
 * follows the TwiML it gets back; a live call is changed through the REST API
 * (`POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json`, basic auth), and recordings are
 * fetched from `/Recordings/{Sid}.wav`. The test plays the phone network.
 */
export class FakeTwilio {
  readonly updates: { callSid: string; form: Record<string, string> }[] = [];
  /** Calls started through `POST .../Calls.json`, with the sid Twilio gave each. */
  readonly created: { sid: string; form: Record<string, string> }[] = [];
  /** Calls that are over (a final status was posted for them, or the test ended them): Twilio will not change them. */
  readonly completed = new Set<string>();
  private server: Server | undefined;
  apiUrl = '';

  constructor(
    readonly accountSid: string,
    private readonly authToken: string,
    /** Where Switchboard listens (the test's process), and the public address Twilio signs. */
    private readonly target: { localUrl: string; publicUrl: string },
  ) {}

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }));
        return;
      }
      const create = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\.json$/.exec(req.url ?? '');
      if (create && req.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(body));
        if (!form.To || !form.From || !form.Url) {
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end(JSON.stringify({ code: 21201, message: 'No called number is specified', status: 400 }));
          return;
        }
        const sid = `CA${randomBytes(16).toString('hex')}`;
        this.created.push({ sid, form });
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ sid, account_sid: create[1], to: form.To, from: form.From, status: 'queued' }));
        return;
      }
      const call = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/([^/]+)\.json$/.exec(req.url ?? '');
      if (call && req.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(body));
        const error = (code: number, message: string) =>
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 }));
        if (form.Url !== undefined && !/^https?:\/\/[^\s]+$/.test(form.Url)) return void error(21205, 'Url is not a valid URL');
        // 21220: "You attempted a realtime operation on a Call that was not in-progress."
        if (this.completed.has(decodeURIComponent(call[2]!)) && form.Url !== undefined) return void error(21220, 'Call is not in-progress. Cannot redirect.');
        this.updates.push({ callSid: decodeURIComponent(call[2]!), form });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ sid: call[2], account_sid: call[1], status: form.Status ?? 'in-progress' }));
        return;
      }
      if (/\/Recordings\/RE[0-9a-f]+\.wav$/.test(req.url ?? '')) {
        res.writeHead(200, { 'content-type': 'audio/x-wav' }).end(Buffer.from('RIFF'));
        return;
      }
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 20404, message: 'The requested resource was not found', status: 404 }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.apiUrl = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.apiUrl;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Signs as Twilio does: the full public URL, then each parameter's name and value, sorted by name. */
  sign(publicUrl: string, params: Record<string, string>): string {
    const data =
      publicUrl +
      Object.keys(params)
        .sort()
        .map((key) => key + params[key])
        .join('');
    return createHmac('sha1', this.authToken).update(data).digest('base64');
  }

  /** Posts a webhook to `url` (a public URL of the channel, as TwiML or the console gave it); returns the status and the TwiML. */
  async post(url: string, params: Record<string, string>, signature?: string): Promise<{ status: number; twiml: TwimlVerb[]; body: string }> {
    const local = url.replace(this.target.publicUrl, this.target.localUrl);
    if (params.CallSid && ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(params.CallStatus ?? '')) this.completed.add(params.CallSid);
    const response = await fetch(local, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature ?? this.sign(url, params),
        'i-twilio-idempotency-token': crypto.randomUUID(),
      },
      body: new URLSearchParams(params).toString(),
    });
    const body = await response.text();
    return { status: response.status, body, twiml: response.headers.get('content-type')?.includes('xml') ? readTwiml(body) : [] };
  }
}

export interface TwimlVerb {
  verb: string;
  attributes: Record<string, string>;
  text: string;
  children: TwimlVerb[];
}

/** xmlbuilder2's object form keeps entity references as written; Twilio reads them as the characters they stand for. */
function unescapeXml(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return named[name] ?? whole;
  });
}

/** TwiML as a list of verbs, each with its attributes, text and nested nouns. */
export function readTwiml(xml: string): TwimlVerb[] {
  const doc = convert(xml, { format: 'object' }) as unknown as { Response?: Record<string, unknown> | string };
  const response = doc.Response;
  if (!response || typeof response === 'string') return [];
  const verbs: TwimlVerb[] = [];
  const walk = (name: string, node: unknown, into: TwimlVerb[]) => {
    for (const item of Array.isArray(node) ? node : [node]) {
      const verb: TwimlVerb = { verb: name, attributes: {}, text: '', children: [] };
      if (typeof item === 'string') verb.text = item;
      else if (item && typeof item === 'object') {
        for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
          if (key.startsWith('@')) verb.attributes[key.slice(1)] = unescapeXml(String(value));
          else if (key === '#') verb.text = unescapeXml(String(value));
          else walk(key, value, verb.children);
        }
      }
      into.push(verb);
    }
  };
  for (const [name, node] of Object.entries(response)) walk(name, node, verbs);
  return verbs;
}
