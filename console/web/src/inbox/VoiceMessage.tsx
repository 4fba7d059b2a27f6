import { useState } from 'react';
import { formatDuration } from '../../../../core/domain/voice-recording.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * A voice message or other recording: the browser's player, and its length beside it. The length
 * comes from the message where it is known, since a browser's WebM recording does not carry it
 * and the player would show 0:00 until it has played to the end.
 */
export function VoiceMessage({ src, duration, label }: { src: string; duration?: number; label: string }) {
  const { t } = useI18n();
  const [length, setLength] = useState(duration);
  const shown = length !== undefined ? formatDuration(length) : undefined;
  return (
    <figure className="part-voice">
      {/* biome-ignore lint/a11y/useMediaCaption: no captions exist for customers' voice messages */}
      <audio
        className="part-audio"
        controls
        preload="metadata"
        src={src}
        aria-label={shown ? t('voice.player', { name: label, duration: shown }) : label}
        onLoadedMetadata={(event) => {
          const seconds = event.currentTarget.duration;
          if (length === undefined && Number.isFinite(seconds)) setLength(seconds);
        }}
      />
      {shown && (
        <figcaption className="voice-duration" aria-hidden="true">
          {shown}
        </figcaption>
      )}
    </figure>
  );
}
