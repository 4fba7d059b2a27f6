import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readZip, zipStream } from './zip.js';

const collect = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

describe('zip archives written as they are read', () => {
  it('round-trips text, bytes and files (large, empty, stored uncompressed) with any unzip tool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-zip-'));
    const large = Buffer.alloc(3 * 1024 * 1024, 'x');
    writeFileSync(join(dir, 'large.bin'), large);
    writeFileSync(join(dir, 'empty.txt'), '');
    const bytes = await collect(
      zipStream(async (zip) => {
        await zip.text('客户.json', '{"name":"王芳"}');
        await zip.bytes('image.tar.gz', new Uint8Array([1, 2, 3]), { compress: false });
        await zip.file('files/large.bin', join(dir, 'large.bin'));
        await zip.file('files/empty.txt', join(dir, 'empty.txt'));
      }),
    );
    const entries = unzipSync(new Uint8Array(bytes));
    expect(strFromU8(entries['客户.json']!)).toBe('{"name":"王芳"}');
    expect([...entries['image.tar.gz']!]).toEqual([1, 2, 3]);
    expect(Buffer.from(entries['files/large.bin']!).equals(large)).toBe(true);
    expect(entries['files/empty.txt']!.length).toBe(0);

    const read: Record<string, number> = {};
    await readZip(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), async (name, data) => void (read[name] = data.length));
    expect(read).toEqual({ '客户.json': Buffer.byteLength('{"name":"王芳"}'), 'image.tar.gz': 3, 'files/large.bin': large.length, 'files/empty.txt': 0 });
  });

  it('ends the stream with the error when an entry cannot be read', async () => {
    const stream = zipStream(async (zip) => {
      await zip.file('missing', '/nonexistent/file');
    });
    await expect(collect(stream)).rejects.toThrow(/ENOENT/);
  });
});
