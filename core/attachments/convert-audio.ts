import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Audio in the format a channel demands, by Debian's `ffmpeg` (the `ffmpeg` package) where it is
 * installed. Where it is not, or the recording cannot be read, the answer is undefined and the
 * connector sends what it can instead (a file, or a clear refusal): conversion never blocks a reply.
 */
export type AudioTarget = 'ogg-opus' | 'mp3';

const TARGETS: Record<AudioTarget, { args: string[]; mimeType: string; ext: string }> = {
  // Telegram's and WhatsApp's voice notes: Opus in OGG, mono, speech bitrate.
  'ogg-opus': { args: ['-c:a', 'libopus', '-b:a', '32k', '-application', 'voip', '-f', 'ogg'], mimeType: 'audio/ogg', ext: 'ogg' },
  // WeChat's voice messages: MP3 (or AMR, which Debian's ffmpeg cannot write).
  mp3: { args: ['-c:a', 'libmp3lame', '-b:a', '48k', '-f', 'mp3'], mimeType: 'audio/mpeg', ext: 'mp3' },
};

/** A converted file can be no larger than this (60 s of speech is far below it). */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export interface AudioFile {
  name: string;
  mimeType: string;
  bytes: Buffer;
}

export interface ConvertOptions {
  /** The program to run; `ffmpeg` from PATH unless said. */
  ffmpeg?: string;
  timeoutMs?: number;
}

const availability = new Map<string, Promise<boolean>>();

/** Whether the converter runs here (checked once per program per process). */
export function converterAvailable(ffmpeg = 'ffmpeg'): Promise<boolean> {
  let known = availability.get(ffmpeg);
  if (!known) {
    known = new Promise<boolean>((resolve) => {
      const child = spawn(ffmpeg, ['-hide_banner', '-version'], { stdio: 'ignore' });
      child.on('error', () => resolve(false));
      child.on('exit', (code) => resolve(code === 0));
    });
    availability.set(ffmpeg, known);
  }
  return known;
}

/**
 * The file as it is when its type is one the channel takes, else converted to `target`, else
 * undefined (no converter, or it could not read the file).
 */
export async function audioAs(file: AudioFile, accepted: readonly string[], target: AudioTarget, options: ConvertOptions = {}): Promise<AudioFile | undefined> {
  if (accepted.includes(file.mimeType)) return file;
  const bytes = await convertAudio(file.bytes, target, options);
  if (!bytes) return undefined;
  const spec = TARGETS[target];
  return { name: `${file.name.replace(/\.[a-z0-9]{1,5}$/i, '')}.${spec.ext}`, mimeType: spec.mimeType, bytes };
}

/** The bytes converted to `target`; undefined when there is no converter or the input is not audio it can read. */
export async function convertAudio(input: Buffer, target: AudioTarget, options: ConvertOptions = {}): Promise<Buffer | undefined> {
  const ffmpeg = options.ffmpeg ?? 'ffmpeg';
  if (!(await converterAvailable(ffmpeg))) return undefined;
  // A file rather than a pipe: an MP4 keeps its index at the end, which a pipe cannot seek to.
  const dir = await mkdtemp(join(tmpdir(), 'sb-audio-'));
  try {
    const source = join(dir, 'input');
    await writeFile(source, input);
    return await run(
      ffmpeg,
      ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', source, '-vn', '-ac', '1', ...TARGETS[target].args, 'pipe:1'],
      options.timeoutMs ?? 30_000,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(program: string, args: string[], timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'ignore'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) child.kill('SIGKILL');
      else chunks.push(chunk);
    });
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve(code === 0 && size > 0 && size <= MAX_OUTPUT_BYTES ? Buffer.concat(chunks) : undefined));
  });
}
