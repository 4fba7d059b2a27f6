import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { Unzip, UnzipInflate, Zip, ZipDeflate, ZipPassThrough, strToU8 } from 'fflate';

export interface ZipEntries {
  /** A text entry (JSON, a manifest), compressed. */
  text(name: string, text: string): Promise<void>;
  /** A file from disk, streamed; `compress: false` for what is compressed already. */
  file(name: string, path: string, options?: { compress?: boolean }): Promise<void>;
  /** Bytes held in memory. */
  bytes(name: string, bytes: Uint8Array, options?: { compress?: boolean }): Promise<void>;
}

/**
 * A zip archive written as it is read: `fill` adds entries one after another while the returned
 * stream carries the bytes out, so a large archive is never held whole. An error in `fill`
 * destroys the stream.
 */
export function zipStream(fill: (entries: ZipEntries) => Promise<void>): Readable {
  const out = new PassThrough();
  const zip = new Zip((error, chunk, final) => {
    if (error) return void out.destroy(error);
    out.write(chunk);
    if (final) out.end();
  });
  const drained = async () => {
    if (out.writableNeedDrain) await once(out, 'drain');
  };
  const entry = (name: string, compress: boolean) => {
    const e = compress ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    e.mtime = new Date();
    zip.add(e);
    return e;
  };
  const entries: ZipEntries = {
    text: async (name, text) => {
      entry(name, true).push(strToU8(text), true);
      await drained();
    },
    bytes: async (name, bytes, options) => {
      entry(name, options?.compress ?? true).push(bytes, true);
      await drained();
    },
    file: async (name, path, options) => {
      const e = entry(name, options?.compress ?? true);
      for await (const chunk of createReadStream(path)) {
        e.push(chunk as Buffer);
        await drained();
      }
      e.push(new Uint8Array(0), true);
    },
  };
  fill(entries).then(
    () => zip.end(),
    (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return out;
}

/**
 * Reads a zip archive from a stream and hands each entry's bytes to `onEntry`, whole (entries of
 * a backup are one database image and files of the store, each fitting in memory); reading waits
 * for the entries already handed over.
 */
export async function readZip(input: Readable, onEntry: (name: string, bytes: Uint8Array) => Promise<void>): Promise<void> {
  const pending: Promise<void>[] = [];
  let failure: unknown;
  const unzip = new Unzip((file) => {
    const parts: Uint8Array[] = [];
    file.ondata = (error, chunk, final) => {
      if (error) return void (failure ??= error);
      parts.push(chunk);
      if (final) pending.push(onEntry(file.name, Buffer.concat(parts)).catch((e: unknown) => void (failure ??= e)));
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  for await (const chunk of input) {
    unzip.push(chunk as Buffer);
    // Entries finished by this chunk are written before more is read.
    await Promise.all(pending.splice(0));
    if (failure) throw failure;
  }
  unzip.push(new Uint8Array(0), true);
  await Promise.all(pending);
  if (failure) throw failure;
}
