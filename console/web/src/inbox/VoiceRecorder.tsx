import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { formatDuration, recordingExtension, recordingType } from '../../../../core/domain/voice-recording.js';
import { useI18n } from '../i18n/i18n.js';

/** The recorders' limit, as the server keeps it (core/attachments/voice.ts). */
const MAX_SECONDS = 60;

interface Live {
  recorder: MediaRecorder;
  stream: MediaStream;
  started: number;
  keep: boolean;
}

/**
 * Records a voice message for the reply: Record starts, Stop keeps it (it goes with the next
 * reply, like a file), Cancel or Escape drops it; at 60 s it stops by itself. Nothing is shown
 * where the browser cannot record.
 */
export function VoiceRecorder({ onRecorded, disabled }: { onRecorded(recording: Blob, name: string, seconds: number): void; disabled?: boolean }) {
  const { t } = useI18n();
  const [live, setLive] = useState<Live | undefined>();
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<string | undefined>();
  const liveRef = useRef<Live | undefined>(undefined);
  const stopButton = useRef<HTMLButtonElement>(null);
  liveRef.current = live;

  const start = async () => {
    setError(undefined);
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const type = recordingType((candidate) => MediaRecorder.isTypeSupported(candidate));
      const recorder = new MediaRecorder(stream, type ? { mimeType: type, audioBitsPerSecond: 32_000 } : { audioBitsPerSecond: 32_000 });
      const chunks: Blob[] = [];
      const session: Live = { recorder, stream, started: performance.now(), keep: false };
      recorder.ondataavailable = (event) => {
        if (event.data.size) chunks.push(event.data);
      };
      recorder.onstop = () => {
        for (const track of stream.getTracks()) track.stop();
        const seconds = Math.min(MAX_SECONDS, (performance.now() - session.started) / 1000);
        if (!session.keep) return;
        const recording = new Blob(chunks, { type: recorder.mimeType || type || 'audio/webm' });
        onRecorded(recording, `voice-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${recordingExtension(recording.type)}`, seconds);
      };
      recorder.onstart = () => {
        session.started = performance.now();
      };
      recorder.start();
      setElapsed(0);
      setLive(session);
    } catch {
      setError(t('voice.noMicrophone'));
    }
  };
  const finish = (keep: boolean) => {
    const session = liveRef.current;
    if (!session) return;
    session.keep = keep;
    if (session.recorder.state === 'recording') session.recorder.stop();
    setLive(undefined);
  };

  useEffect(() => {
    if (!live) return;
    stopButton.current?.focus();
    const tick = setInterval(() => {
      const seconds = (performance.now() - live.started) / 1000;
      setElapsed(seconds);
      if (seconds >= MAX_SECONDS) finish(true);
    }, 250);
    return () => clearInterval(tick);
  });
  // Leaving the conversation drops a recording in progress and frees the microphone.
  useEffect(
    () => () => {
      for (const track of liveRef.current?.stream.getTracks() ?? []) track.stop();
    },
    [],
  );

  if (typeof MediaRecorder !== 'function' || !navigator.mediaDevices?.getUserMedia) return null;
  if (!live) {
    return (
      <>
        <button type="button" className="secondary voice-record" disabled={disabled} onClick={() => void start()}>
          <span aria-hidden="true">🎤 </span>
          {t('voice.record')}
        </button>
        {error && (
          <small role="alert" className="error">
            {error}
          </small>
        )}
      </>
    );
  }
  // Escape on either button drops the recording, as it closes a dialog.
  const dropOnEscape = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    finish(false);
  };
  return (
    <fieldset className="voice-recording" aria-label={t('voice.recording')}>
      <span className="voice-dot" aria-hidden="true" />
      <span role="timer" aria-live="off">
        {t('voice.recording')} {formatDuration(elapsed)} / {formatDuration(MAX_SECONDS)}
      </span>
      <button ref={stopButton} type="button" onClick={() => finish(true)} onKeyDown={dropOnEscape}>
        {t('voice.stop')}
      </button>
      <button type="button" className="secondary" onClick={() => finish(false)} onKeyDown={dropOnEscape}>
        {t('voice.cancel')}
      </button>
    </fieldset>
  );
}
