/**
 * What the browser recorders (the chat widget's and the console's) share: which container to ask
 * MediaRecorder for, and how a length is written. Pure functions, so both bundles and the tests
 * use the same ones.
 */

/** In order of preference: Opus in WebM (Chromium, Firefox), Opus in OGG, AAC in MP4 (Safari). */
export const RECORDING_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4;codecs=mp4a.40.2', 'audio/mp4'] as const;

/** The first type this browser records, or undefined to let it choose (it may still record). */
export function recordingType(isTypeSupported: (type: string) => boolean): string | undefined {
  return RECORDING_TYPES.find((type) => {
    try {
      return isTypeSupported(type);
    } catch {
      return false;
    }
  });
}

/** The file name extension of what was recorded. */
export function recordingExtension(mimeType: string): string {
  if (mimeType.includes('mp4') || mimeType.includes('aac')) return 'm4a';
  if (mimeType.includes('ogg')) return 'ogg';
  return 'webm';
}

/**
 * `0:07`, `1:00`, `12:05`: whole minutes and seconds, counted down as browsers' players do, but
 * never `0:00` for a message that has sound.
 */
export function formatDuration(seconds: number): string {
  const whole = Number.isFinite(seconds) && seconds > 0 ? Math.max(1, Math.floor(seconds)) : 0;
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * Whether a pointer that pressed the record button has slid far enough away to cancel: more than
 * `distance` pixels from where it started, as in messaging apps (slide left or up to cancel).
 */
export function slidAway(start: { x: number; y: number }, now: { x: number; y: number }, distance = 80): boolean {
  return Math.hypot(now.x - start.x, now.y - start.y) > distance;
}
