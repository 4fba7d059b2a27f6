import { z } from 'zod';
import { VOICE_MAX_BYTES, VOICE_MAX_SECONDS, VOICE_TYPES } from '../../core/attachments/voice.js';
import type { ChannelContext } from '../../core/connector/define.js';
import type { WebConfig } from './connector.js';
import type { StoredFile } from './uploads.js';

export { VOICE_MAX_BYTES };

/** `?duration=` of a voice upload: the recorder's own count of seconds, up to the limit. */
export const voiceQuery = z.object({
  duration: z.coerce
    .number()
    .min(0)
    .max(VOICE_MAX_SECONDS + 1),
  name: z.string().max(200).optional(),
});

/** What the widget needs to offer the recorder; null when the channel takes no voice messages. */
export const voiceSettings = (config: WebConfig) => (config.voiceMessages ? { maxSeconds: VOICE_MAX_SECONDS, maxBytes: VOICE_MAX_BYTES } : null);

/**
 * Keeps a visitor's voice message: audio only (sniffed from the bytes; a recorder's WebM or MP4
 * is kept as audio), at most 2 MB, with the length the recorder measured.
 */
export async function storeVoice(
  ctx: ChannelContext<WebConfig>,
  owner: string,
  bytes: Buffer,
  duration: number,
  name?: string,
): Promise<StoredFile & { duration: number }> {
  const seconds = Math.min(duration, VOICE_MAX_SECONDS);
  const file = await ctx.attachments.put({
    owner,
    name: name ?? 'voice',
    bytes,
    maxBytes: VOICE_MAX_BYTES,
    allowedTypes: VOICE_TYPES,
    audio: true,
    durationMs: seconds * 1000,
  });
  return { id: file.id, name: file.name, mimeType: file.mimeType, size: file.size, duration: seconds };
}
