/**
 * Voice messages recorded in a browser (the chat widget, the console's reply box): what is kept,
 * and how long and large one may be. Browsers record Opus in WebM (Chromium, Firefox) or AAC in
 * MP4 (Safari); files from messaging apps come as OGG/Opus, MP3, AMR or M4A.
 */
export const VOICE_TYPES = [
  'audio/webm',
  'audio/mp4',
  'audio/x-m4a',
  'audio/aac',
  'audio/ogg',
  'audio/ogg; codecs=opus',
  'audio/opus',
  'audio/mpeg',
  'audio/wav',
  'audio/amr',
] as const;

/** The longest recording the recorders allow; the server refuses a longer declared length. */
export const VOICE_MAX_SECONDS = 60;

/** 60 s of AAC at 128 kbit/s is under 1 MB; Opus at 32 kbit/s about 250 KB. */
export const VOICE_MAX_BYTES = 2 * 1024 * 1024;
