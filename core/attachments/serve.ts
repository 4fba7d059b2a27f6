import { fileTypeFromBuffer, type FileTypeResult } from 'file-type';

/**
 * Shown where they are opened rather than saved: raster images, and the audio and video the
 * console and the widget play (voice messages, call recordings). A browser decodes these with its
 * image or media decoder; none of them can carry script into a page.
 */
const INLINE_TYPES = new Set([
  'image/png',
  'image/apng',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'audio/mpeg',
  'audio/wav',
  'audio/ogg',
  'audio/ogg; codecs=opus',
  'audio/mp4',
  'audio/x-m4a',
  'audio/aac',
  'audio/flac',
  'video/mp4',
  'video/webm',
  'video/ogg',
]);

/**
 * Types the sniffer can name that a browser would parse as a document or as text: XML (an SVG
 * with a prolog is sniffed as XML), calendars, vCards, subtitles. They are sent as plain bytes.
 */
const DOCUMENT_TYPE = /^text\/|[/+]xml\b|html|script|shockwave/;

/** As much of the head as the sniffer reads. */
const SAMPLE_BYTES = 4100;

const SANDBOX = "default-src 'none'; sandbox";

export interface FileAnswerOptions {
  /** The name offered for saving; one without an extension gets the one the bytes show. */
  name: string;
  /**
   * Who may load the file into their pages: `same-origin` for the console's own files,
   * `cross-origin` for the widget's, which customers' sites embed.
   */
  embedders: 'same-origin' | 'cross-origin';
  cacheControl: string;
}

/**
 * The one answer with a stored file, whatever kept it (widget, console, e-mail, a phone
 * platform's recording). The type is read from the bytes, never taken from the sender, the store
 * or the platform; only raster images and playable media are `inline`, everything else is an
 * `attachment`; and the answer may never run as a page of our origin: `nosniff`, and a policy
 * that sandboxes it and loads nothing.
 */
export async function fileAnswer(body: Uint8Array | ReadableStream<Uint8Array>, options: FileAnswerOptions): Promise<Response> {
  const sniffed = body instanceof Uint8Array ? { type: await sniff(body), stream: undefined } : await sniffStream(body);
  const inline = sniffed.type !== undefined && INLINE_TYPES.has(sniffed.type.mime);
  const headers = new Headers({
    'content-type': sniffed.type && !DOCUMENT_TYPE.test(sniffed.type.mime) ? sniffed.type.mime : 'application/octet-stream',
    'content-disposition': contentDisposition(nameWithExtension(options.name, sniffed.type), inline ? 'inline' : 'attachment'),
    'x-content-type-options': 'nosniff',
    'content-security-policy': SANDBOX,
    'cross-origin-resource-policy': options.embedders,
    'cache-control': options.cacheControl,
  });
  if (body instanceof Uint8Array) {
    headers.set('content-length', String(body.byteLength));
    // A file read from disk or memory: its bytes sit in a plain ArrayBuffer, never a shared one.
    return new Response(body as Uint8Array<ArrayBuffer>, { status: 200, headers });
  }
  return new Response(sniffed.stream, { status: 200, headers });
}

/**
 * `inline|attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): the plain name reduced to
 * ASCII for old clients, the whole name (Chinese included) percent-encoded as RFC 8187 asks.
 */
export function contentDisposition(name: string, type: 'inline' | 'attachment' = 'attachment'): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function nameWithExtension(name: string, type: FileTypeResult | undefined): string {
  return type && !/\.[a-z0-9]{1,8}$/i.test(name) ? `${name}.${type.ext}` : name;
}

/** What the bytes are; a file the sniffer chokes on is simply unknown, so it goes as plain bytes. */
async function sniff(bytes: Uint8Array): Promise<FileTypeResult | undefined> {
  try {
    return await fileTypeFromBuffer(bytes);
  } catch {
    return undefined;
  }
}

/** Reads the head of a stream to sniff it, then gives the whole stream back, head first. */
async function sniffStream(body: ReadableStream<Uint8Array>): Promise<{ type: FileTypeResult | undefined; stream: ReadableStream<Uint8Array> }> {
  const reader = body.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  while (size < SAMPLE_BYTES) {
    const next = await reader.read();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    size += next.value.byteLength;
  }
  const sample = Buffer.concat(head);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (sample.byteLength > 0) controller.enqueue(new Uint8Array(sample));
      if (ended) controller.close();
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { type: await sniff(sample), stream };
}
