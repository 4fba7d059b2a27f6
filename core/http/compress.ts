import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';

export type Encoding = 'br' | 'gzip';

/** Below this a compressed answer saves less than its headers and the work cost. */
export const compressThreshold = 1024;

/**
 * Types worth compressing. Stored files (served as what their bytes are, or octet-stream), CSV
 * exports and event streams are streamed and never listed here; images, audio and fonts are
 * compressed already.
 */
const compressibleType = /^(application\/(json|javascript|manifest\+json)|text\/(html|javascript|css|plain)|image\/svg\+xml)\b/i;

export function isCompressibleType(type: string | null | undefined): boolean {
  return !!type && compressibleType.test(type);
}

/** The encoding to answer with for an `Accept-Encoding` header: brotli when accepted, else gzip. */
export function pickEncoding(accept: string | null | undefined): Encoding | undefined {
  if (!accept) return undefined;
  const weights = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    weights.set(name, q ? Number(q.slice(2)) || 0 : 1);
  }
  const weight = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  if (weight('br') > 0 && weight('br') >= weight('gzip')) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return undefined;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Compresses `body`. `quality` trades time for size: answers made per request use a fast level;
 * the console's files, compressed once, the best.
 */
export async function compressBody(body: Uint8Array, encoding: Encoding, quality: 'fast' | 'best' = 'fast'): Promise<Buffer> {
  if (encoding === 'br') {
    return brotli(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: quality === 'fast' ? 4 : constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
      },
    });
  }
  return gzipAsync(body, { level: quality === 'fast' ? 6 : 9 });
}

/** Adds `Accept-Encoding` to a `Vary` header value unless it is there. */
export function varyOnEncoding(vary: string | null): string {
  if (!vary) return 'Accept-Encoding';
  if (vary === '*' || /(^|,)\s*accept-encoding\s*(,|$)/i.test(vary)) return vary;
  return `${vary}, Accept-Encoding`;
}

/**
 * Compresses whole answers of the listed types (JSON, the console's page, scripts, metrics) with
 * brotli or gzip as the client accepts. Answers already encoded, partial, empty, marked
 * `no-transform` or carrying a `Content-Disposition` (stored files) pass as they are, and so do
 * event streams and WebSocket upgrades, whose types are not listed.
 */
export function compressAnswers(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (c.req.method === 'HEAD' || res.status < 200 || res.status === 204 || res.status === 206 || res.status === 304) return;
    // Headers first: reading `res.body` turns the server's light answer into a web Response.
    if (res.headers.has('Content-Encoding') || res.headers.has('Content-Disposition')) return;
    if (!isCompressibleType(res.headers.get('Content-Type'))) return;
    if (/(^|,)\s*no-transform\s*(,|$)/i.test(res.headers.get('Cache-Control') ?? '')) return;
    const length = Number(res.headers.get('Content-Length') ?? Number.NaN);
    res.headers.set('Vary', varyOnEncoding(res.headers.get('Vary')));
    if (length < compressThreshold || !res.body) return;
    const encoding = pickEncoding(c.req.header('Accept-Encoding'));
    if (!encoding) return;
    const body = new Uint8Array(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    if (body.byteLength < compressThreshold) {
      replaceAnswer(c, new Response(body, { status: res.status, statusText: res.statusText, headers }));
      return;
    }
    const compressed = await compressBody(body, encoding);
    headers.set('Content-Encoding', encoding);
    headers.set('Content-Length', String(compressed.byteLength));
    const etag = headers.get('ETag');
    if (etag && !etag.startsWith('W/')) headers.set('ETag', `W/${etag}`);
    replaceAnswer(c, new Response(new Uint8Array(compressed), { status: res.status, statusText: res.statusText, headers }));
  };
}

/** Hono copies the old answer's headers onto a new one (its length among them): start afresh. */
function replaceAnswer(c: Context, answer: Response): void {
  c.res = undefined as unknown as Response;
  c.res = answer;
}
