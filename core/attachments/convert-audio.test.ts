import { readFileSync } from 'node:fs';
import { fileTypeFromBuffer } from 'file-type';
import { describe, expect, it } from 'vitest';
import { audioAs, converterAvailable, convertAudio } from './convert-audio.js';

const webm = { name: 'voice.webm', mimeType: 'audio/webm', bytes: readFileSync(new URL('../../connectors/web/fixtures/voice.webm', import.meta.url)) };
const hasFfmpeg = await converterAvailable();

describe('audio conversion for channels', () => {
  it.skipIf(!hasFfmpeg)("turns a browser's WebM recording into Opus in OGG and into MP3", async () => {
    const ogg = await audioAs(webm, ['audio/ogg'], 'ogg-opus');
    expect(ogg).toMatchObject({ name: 'voice.ogg', mimeType: 'audio/ogg' });
    expect(await fileTypeFromBuffer(ogg!.bytes)).toMatchObject({ mime: 'audio/ogg; codecs=opus' });
    const mp3 = await audioAs(webm, ['audio/mpeg'], 'mp3');
    expect(mp3).toMatchObject({ name: 'voice.mp3', mimeType: 'audio/mpeg' });
    expect(await fileTypeFromBuffer(mp3!.bytes)).toMatchObject({ mime: 'audio/mpeg' });
  });

  it('passes a file the channel takes as it is, and answers nothing without a converter or for bytes that are not audio', async () => {
    expect(await audioAs(webm, ['audio/webm'], 'ogg-opus')).toBe(webm);
    expect(await audioAs(webm, ['audio/ogg'], 'ogg-opus', { ffmpeg: '/nonexistent/ffmpeg' })).toBeUndefined();
    if (hasFfmpeg) expect(await convertAudio(Buffer.from('not audio at all'), 'mp3')).toBeUndefined();
  });
});
