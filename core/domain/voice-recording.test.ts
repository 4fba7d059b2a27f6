import { describe, expect, it } from 'vitest';
import { formatDuration, recordingExtension, recordingType, slidAway } from './voice-recording.js';

describe('voice recordings', () => {
  it('asks Chromium for Opus in WebM and Safari for AAC in MP4', () => {
    expect(recordingType((t) => t.startsWith('audio/webm'))).toBe('audio/webm;codecs=opus');
    expect(recordingType((t) => t.startsWith('audio/mp4'))).toBe('audio/mp4;codecs=mp4a.40.2');
    expect(recordingType(() => false)).toBeUndefined();
    expect(recordingExtension('audio/mp4;codecs=mp4a.40.2')).toBe('m4a');
    expect(recordingExtension('audio/webm;codecs=opus')).toBe('webm');
  });

  it('shows lengths as minutes and seconds', () => {
    expect(formatDuration(7.6)).toBe('0:07');
    expect(formatDuration(0.4)).toBe('0:01');
    expect(formatDuration(60)).toBe('1:00');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('0:00');
  });

  it('cancels when the finger slides away from the button', () => {
    expect(slidAway({ x: 100, y: 100 }, { x: 90, y: 95 })).toBe(false);
    expect(slidAway({ x: 100, y: 100 }, { x: 0, y: 100 })).toBe(true);
  });
});
