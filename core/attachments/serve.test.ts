import { describe, expect, it } from 'vitest';
import { contentDisposition, fileAnswer } from './serve.js';

// The smallest valid PNG (1×1, transparent).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const WAV = Buffer.concat([Buffer.from('RIFF'), Buffer.from([36, 0, 0, 0]), Buffer.from('WAVEfmt '), Buffer.alloc(24), Buffer.from('data'), Buffer.alloc(4)]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>');
const XML_SVG = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
const HTML = Buffer.from('<!doctype html><script>alert(1)</script>');

const options = { embedders: 'same-origin', cacheControl: 'private, max-age=60' } as const;

/** A stream that hands out the bytes a few at a time, as a slow upstream would. */
function trickle(bytes: Buffer, size = 5): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(new Uint8Array(bytes.subarray(at, at + size)));
      at += size;
    },
  });
}

describe('the one answer with a stored file', () => {
  it('shows a raster image in place, typed by its bytes, and still sandboxed', async () => {
    const answer = await fileAnswer(PNG, { ...options, name: 'photo.png' });
    expect(answer.headers.get('content-type')).toBe('image/png');
    expect(answer.headers.get('content-disposition')).toBe(`inline; filename="photo.png"; filename*=UTF-8''photo.png`);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(answer.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(answer.headers.get('content-length')).toBe(String(PNG.length));
    expect(Buffer.from(await answer.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('never hands over SVG, XML or HTML as themselves: plain bytes, to be saved', async () => {
    for (const [bytes, name] of [
      [SVG, 'logo.svg'],
      [XML_SVG, 'logo.svg'],
      [HTML, 'page.html'],
      [HTML, 'photo.png'], // the name lies: the bytes decide
    ] as const) {
      const answer = await fileAnswer(bytes, { ...options, name });
      expect(answer.headers.get('content-type'), name).toBe('application/octet-stream');
      expect(answer.headers.get('content-disposition'), name).toMatch(/^attachment; /);
      expect(answer.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    }
  });

  it('labels an office document by what it is (its type only mentions XML), as a download', async () => {
    // A .docx as the sniffer reads it: a zip whose [Content_Types].xml names a Word document.
    const docx = Buffer.from(
      'UEsDBBQAAAAAAAAAAAAAAAAAeQAAAHkAAAATAAAAW0NvbnRlbnRfVHlwZXNdLnhtbDxUeXBlcz48T3ZlcnJpZGUgQ29udGVudFR5cGU9ImFwcGxpY2F0aW9uL3ZuZC5vcGVueG1sZm9ybWF0cy1vZmZpY2Vkb2N1bWVudC53b3JkcHJvY2Vzc2luZ21sLmRvY3VtZW50Lm1haW4reG1sIi8+PC9UeXBlcz4=',
      'base64',
    );
    const answer = await fileAnswer(docx, { ...options, name: 'report.docx' });
    expect(answer.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="report.docx"/);
  });

  it('keeps a Chinese name whole for browsers that read filename*, and ASCII for the rest', () => {
    expect(contentDisposition('收据 (2).pdf')).toBe(`attachment; filename="__ (2).pdf"; filename*=UTF-8''%E6%94%B6%E6%8D%AE%20%282%29.pdf`);
    expect(contentDisposition('a"b\\c.txt', 'inline')).toBe(`inline; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`);
  });

  it('sniffs a streamed recording from its head and passes every byte on; a name without an extension gets the real one', async () => {
    const answer = await fileAnswer(trickle(WAV), { ...options, name: 'recording-1', cacheControl: 'private, no-store' });
    expect(answer.headers.get('content-type')).toBe('audio/wav');
    expect(answer.headers.get('content-disposition')).toMatch(/^inline; filename="recording-1\.wav"/);
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await answer.arrayBuffer()).equals(WAV)).toBe(true);

    const big = Buffer.concat([HTML, Buffer.alloc(10_000, 0x20)]);
    const page = await fileAnswer(trickle(big, 1000), { ...options, name: 'recording-2' });
    expect(page.headers.get('content-type')).toBe('application/octet-stream');
    expect(page.headers.get('content-disposition')).toMatch(/^attachment; filename="recording-2"/);
    expect(Buffer.from(await page.arrayBuffer()).equals(big)).toBe(true);
  });
});
