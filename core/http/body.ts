import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Context as HonoContext, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { PayloadTooLargeError } from '../errors.js';

/**
 * Request bodies are limited while they stream, per route: a declared Content-Length past the
 * limit is refused before anything is read, and a chunked body is counted as it arrives and
 * refused at the limit (hono's bodyLimit). Node's HTTP parser never hands over more bytes than a
 * Content-Length declares, so a lie cannot get past either. Every read of a request body in the
 * server goes through here.
 */

/** Refuses at once a body whose declared length is past the limit; nothing is read. */
export function refuseDeclaredOversize(c: HonoContext, maxBytes: number): void {
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
}

/** Middleware form, for a route that hands the request to a parser of its own (forms). */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new PayloadTooLargeError(maxBytes);
    },
  });
}

/** The whole body, read up to `maxBytes`; past it the read stops and PayloadTooLargeError is thrown. */
export async function readBody(c: HonoContext, maxBytes: number): Promise<Buffer> {
  refuseDeclaredOversize(c, maxBytes);
  const incoming = unreadIncoming(c);
  if (incoming) return readIncoming(incoming, maxBytes);
  await limitBody(maxBytes)(c, async () => {});
  return Buffer.from(await c.req.arrayBuffer());
}

/**
 * The Node.js request under the context (served by @hono/node-server), while nothing has begun to
 * read it. Reading it directly spares a web Request and its stream per request, which a chunked
 * body otherwise costs (a third of the gateway's time per message went to them and to the
 * limit's wrapper). A body read this way is gone for the Request: `c.req.json()` after it
 * rejects, as a second read does.
 */
function unreadIncoming(c: HonoContext): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || incoming.readableDidRead || incoming.listenerCount('data') > 0 || incoming.listenerCount('readable') > 0) return undefined;
  return incoming;
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let seen = 0;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      incoming.off('data', onData).off('end', onEnd).off('error', finish).off('close', onClose);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, seen));
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      // Counted as it streams: past the limit nothing more is kept (Node's server discards the rest).
      if (seen > maxBytes) finish(new PayloadTooLargeError(maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onClose = () => finish(incoming.readableEnded ? undefined : new Error('the client closed the connection before its body ended'));
    incoming.on('data', onData).on('end', onEnd).on('error', finish).on('close', onClose);
  });
}

/**
 * The body as a stream that fails with PayloadTooLargeError at the limit, for files written to
 * disk as they arrive (imports) instead of held in memory. Undefined when there is no body.
 */
export function bodyStream(c: HonoContext, maxBytes: number): Readable | undefined {
  refuseDeclaredOversize(c, maxBytes);
  const body = c.req.raw.body;
  if (!body) return undefined;
  const source = Readable.fromWeb(body as unknown as WebReadableStream);
  return Readable.from(
    (async function* () {
      let seen = 0;
      for await (const chunk of source as AsyncIterable<Buffer>) {
        seen += chunk.length;
        if (seen > maxBytes) throw new PayloadTooLargeError(maxBytes);
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
}
