import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI chat-completions server (platform.openai.com/docs/api-reference/chat) for tests:
 * `POST /v1/chat/completions` answers a `chat.completion` object, or with `stream: true` the
 * `chat.completion.chunk` events as server-sent events (`data: {…}\n\n`, ending `data: [DONE]`),
 * with the usage-only last chunk when `stream_options.include_usage` asks for it. Errors are
 * OpenAI's `{"error":{"message","type","param","code"}}` with its statuses. Point a company's base
 * URL at `url` (it ends in /v1, as OpenAI's does).
 *
 * A test scripts what comes next with `next(...)` (one step per request, in order) and what every
 * other request gets with `answer(...)`; every request is kept, headers and body, so a test can
 * check what left the server.
 */
export interface FakeOpenAI {
  /** The base URL, e.g. http://127.0.0.1:43210/v1. */
  url: string;
  /** The key it accepts (`Authorization: Bearer <key>`); any other is a 401 as OpenAI answers it. */
  key: string;
  /** Every request, in order. */
  requests: RecordedRequest[];
  /** The answer of every request no `next` step is left for: a text, or one made from the request. */
  answer(text: string | ((request: ChatRequest) => string)): void;
  /** One step per coming request, in order, before the standing answer. */
  next(...steps: Step[]): void;
  /** Requests that have arrived and not been answered (hanging ones included). */
  open(): number;
  close(): Promise<void>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-case names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as sent. */
  raw: string;
  body: ChatRequest;
}

/** What the chat-completions endpoint reads of a request. */
export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  temperature?: number;
  response_format?: { type: string };
  [key: string]: unknown;
}

export type Step =
  /** Answer with this text (streamed in these pieces, when the request streams). */
  | { text: string; pieces?: string[] }
  /** An error as OpenAI sends it: 401 bad key, 429 rate limit (with Retry-After seconds), 500, or any status. */
  | { status: 401 | 403 | 404 | 429 | 500 | 502 | 503; retryAfter?: number }
  /** Never answer (`before`: not even the headers; `midStream`: a streamed answer stops after its first piece). */
  | { hang: 'before' | 'midStream'; text?: string };

const ERRORS: Record<number, (request: ChatRequest, presented: string) => { message: string; type: string; param: string | null; code: string | null }> = {
  401: (_r, presented) => ({
    message: `Incorrect API key provided: ${presented.slice(0, 3)}*********${presented.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  }),
  403: () => ({ message: 'You are not allowed to sample from this model', type: 'invalid_request_error', param: null, code: null }),
  404: (r) => ({
    message: `The model \`${r.model}\` does not exist or you do not have access to it.`,
    type: 'invalid_request_error',
    param: null,
    code: 'model_not_found',
  }),
  429: (r) => ({
    message: `Rate limit reached for ${r.model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.`,
    type: 'requests',
    param: null,
    code: 'rate_limit_exceeded',
  }),
  500: () => ({ message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null }),
  502: () => ({ message: 'Bad gateway.', type: 'cf_bad_gateway', param: null, code: null }),
  503: () => ({ message: 'The engine is currently overloaded, please try again later', type: 'server_error', param: null, code: null }),
};

/** Roughly what a tokenizer counts: a word of Latin letters or one CJK character each. Deterministic, so tests can assert usage. */
export function countTokens(text: string): number {
  return (text.match(/[\u2e80-\u9fff]|[A-Za-z0-9]+|[^\sA-Za-z0-9\u2e80-\u9fff]/g) ?? []).length;
}

/** A text cut into the pieces a model streams: a few characters each. */
function piecesOf(text: string): string[] {
  const chars = [...text];
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += 4) pieces.push(chars.slice(i, i + 4).join(''));
  return pieces.length ? pieces : [''];
}

export async function fakeOpenAI(options: { key?: string; model?: string } = {}): Promise<FakeOpenAI> {
  const key = options.key ?? `sk-test-${randomBytes(12).toString('hex')}`;
  const requests: RecordedRequest[] = [];
  const steps: Step[] = [];
  let standing: string | ((request: ChatRequest) => string) = 'Hello! How can I help you today?';
  const pending = new Set<ServerResponse>();

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      'x-request-id': `req_${randomBytes(16).toString('hex')}`,
      'openai-version': '2020-10-01',
      'openai-processing-ms': '42',
      ...headers,
    });
    res.end(text);
  };
  const fail = (res: ServerResponse, status: number, request: ChatRequest, headers: Record<string, string> = {}, presented = key) =>
    json(res, status, { error: (ERRORS[status] ?? ERRORS[500]!)(request, presented) }, headers);

  const answerWith = (res: ServerResponse, request: ChatRequest, text: string, given?: string[], stopAfterFirst = false) => {
    const id = `chatcmpl-${randomBytes(15).toString('base64url')}`;
    const created = Math.floor(Date.now() / 1000);
    const model = request.model;
    const fingerprint = 'fp_fake0001';
    const promptTokens = request.messages.reduce((n, m) => n + 4 + countTokens(String(m.content ?? '')), 3);
    const completionTokens = countTokens(text);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    if (!request.stream) {
      return json(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
        usage,
        service_tier: 'default',
        system_fingerprint: fingerprint,
      });
    }
    const includeUsage = request.stream_options?.include_usage === true;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-request-id': `req_${randomBytes(16).toString('hex')}`,
      'openai-version': '2020-10-01',
    });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        service_tier: 'default',
        system_fingerprint: fingerprint,
        choices,
        ...(includeUsage ? { usage: null } : {}),
        ...extra,
      })}\n\n`;
    const delta = (content: Record<string, unknown>, finish: string | null = null) => ({ index: 0, delta: content, logprobs: null, finish_reason: finish });
    res.write(chunk([delta({ role: 'assistant', content: '', refusal: null })]));
    const pieces = given ?? piecesOf(text);
    for (const [i, piece] of pieces.entries()) {
      res.write(chunk([delta({ content: piece })]));
      if (stopAfterFirst && i === 0) return;
    }
    res.write(chunk([delta({}, 'stop')]));
    if (includeUsage) res.write(chunk([], { usage }));
    res.end('data: [DONE]\n\n');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      return json(res, 404, { error: { message: `Invalid URL (${req.method} ${path})`, type: 'invalid_request_error', param: null, code: null } });
    }
    let body: ChatRequest;
    try {
      body = JSON.parse(raw) as ChatRequest;
    } catch {
      return json(res, 400, {
        error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error', param: null, code: null },
      });
    }
    requests.push({ method: req.method, path, headers: { ...req.headers }, raw, body });
    if (req.headers.authorization !== `Bearer ${key}`) return fail(res, 401, body, {}, (req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
      return json(res, 400, {
        error: { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' },
      });
    }
    if (options.model && body.model !== options.model) return fail(res, 404, body);
    const step = steps.shift();
    if (!step) return answerWith(res, body, typeof standing === 'function' ? standing(body) : standing);
    if ('status' in step) return fail(res, step.status, body, step.retryAfter !== undefined ? { 'retry-after': String(step.retryAfter) } : {});
    if ('hang' in step) {
      if (step.hang === 'before') return;
      if (body.stream) return answerWith(res, body, step.text ?? 'This answer never ends', undefined, true);
      // A whole answer was asked for: its headers and the start of its body, then nothing.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
      res.write('{"id":"chatcmpl-hang","object":"chat.completion",');
      return;
    }
    return answerWith(res, body, step.text, step.pieces);
  };

  const server = createServer((req, res) => {
    pending.add(res);
    res.on('close', () => pending.delete(res));
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(error), type: 'server_error', param: null, code: null } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    key,
    requests,
    answer: (text) => {
      standing = text;
    },
    next: (...more) => {
      steps.push(...more);
    },
    open: () => [...pending].filter((res) => !res.writableEnded).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
