// Voice messages in the panel: hold the microphone button to record (mouse, finger, or Space/Enter
// held down), let go to send, slide away or press Escape to cancel; and a small player with the
// message's length. Part of the panel's script (loaded on open), never of the loader: it plugs in
// as one composer tool and one part renderer (mount.ts), in the widget's language (i18n.ts).
import { formatDuration, recordingExtension, recordingType, slidAway } from '../../../../core/domain/voice-recording.js';
import { type Part, refusal } from '../api.js';
import { button, el } from '../dom.js';
import type { Translate } from '../i18n.js';
import { textOn } from '../styles.js';
import type { ComposerTool } from './composer.js';

/** `{d}` in the texts: a length as `0:07`. */
const length = (seconds: number) => ({ d: formatDuration(seconds) });

/** Below this a press is taken as a tap, not a message. */
const MIN_SECONDS = 0.5;

/**
 * While recording, the bar takes the text box's place and the other tools step aside; the
 * recorder's wrapper lays its bar and button out as items of the composer's tools.
 */
export const voiceStyles = (color: string) => `
form.compose.recording textarea, form.compose.recording .tools > :not(.voice-tool) { display: none; }
form.compose.recording .tools { flex: 1; min-width: 0; }
.voice-tool { display: contents; }
.mic { touch-action: none; user-select: none; -webkit-user-select: none; -webkit-touch-callout: none; display: flex; align-items: center; justify-content: center; }
.mic svg { display: block; }
.btn.mic.live { background: #b91c1c; color: #fff; }
.recorder { flex: 1; height: 44px; display: flex; align-items: center; gap: 8px; min-width: 0;
  background: #fff; border: 1px solid #6b7280; border-radius: 8px; padding: 0 10px; font-size: 14px; color: #111; white-space: nowrap; }
.recorder[hidden] { display: none; }
.recorder .dot { width: 10px; height: 10px; border-radius: 50%; background: #b91c1c; flex: none; }
.recorder .clock { font-variant-numeric: tabular-nums; }
.recorder .hint { color: #4b5563; font-size: 13px; line-height: 1.2; margin-left: auto; white-space: normal; text-align: right; }
.recorder.cancel .hint { color: #b91c1c; font-weight: 600; }
.voice { display: flex; align-items: center; gap: 8px; min-width: 150px; }
.voice .play { width: 32px; height: 32px; border-radius: 50%; border: 0; cursor: pointer; flex: none; display: flex; align-items: center; justify-content: center;
  background: #fff; color: ${color}; }
.msg.out .voice .play { background: ${color}; color: ${textOn(color)}; }
.voice .bar { flex: 1; height: 4px; border-radius: 2px; background: currentColor; opacity: .35; position: relative; overflow: hidden; }
.voice .bar i { position: absolute; left: 0; top: 0; bottom: 0; width: 0; background: currentColor; }
.voice .time { font-variant-numeric: tabular-nums; font-size: 13px; }
@media (prefers-reduced-motion: no-preference) { .recorder .dot { animation: blink 1s infinite; } }
@keyframes blink { 50% { opacity: .2; } }
`;

function svgIcon(path: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  const shape = document.createElementNS(ns, 'path');
  shape.setAttribute('d', path);
  shape.setAttribute('fill', 'currentColor');
  svg.append(shape);
  return svg;
}
const MIC = 'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9h-2z';
const PLAY = 'M8 5v14l11-7z';
const PAUSE = 'M6 5h4v14H6zm8 0h4v14h-4z';

/**
 * A voice message's player: a play button, a progress bar and the length (then the time left
 * while it plays). The length comes from the message, since a recorder's WebM does not say it.
 */
export function voicePlayer(src: string, duration: number | undefined, t: Translate): HTMLElement {
  const box = el('div', 'voice');
  const play = button('play', '');
  const bar = el('span', 'bar');
  const progress = el('i');
  bar.append(progress);
  const time = el('span', 'time');
  const audio = el('audio');
  audio.preload = 'none';
  audio.src = src;
  let seconds = duration ?? 0;
  const idle = () => {
    play.replaceChildren(svgIcon(PLAY));
    play.setAttribute('aria-label', t('voice.play', length(seconds)));
    time.textContent = formatDuration(seconds);
  };
  idle();
  audio.addEventListener('loadedmetadata', () => {
    if (!duration && Number.isFinite(audio.duration)) seconds = audio.duration;
  });
  audio.addEventListener('timeupdate', () => {
    if (seconds > 0) progress.style.width = `${Math.min(100, (audio.currentTime / seconds) * 100)}%`;
    time.textContent = formatDuration(Math.max(0, seconds - audio.currentTime));
  });
  audio.addEventListener('play', () => {
    play.replaceChildren(svgIcon(PAUSE));
    play.setAttribute('aria-label', t('voice.pause'));
  });
  audio.addEventListener('pause', idle);
  audio.addEventListener('ended', () => {
    progress.style.width = '0';
    idle();
  });
  play.addEventListener('click', () => {
    if (audio.paused) void audio.play().catch(() => {});
    else audio.pause();
  });
  box.append(play, bar, time, audio);
  return box;
}

/** One press of the button, from the press to the upload. */
interface Recording {
  recorder?: MediaRecorder;
  stream?: MediaStream;
  started: number;
  cancel: boolean;
  ended: boolean;
  tick?: ReturnType<typeof setInterval>;
  limit?: ReturnType<typeof setTimeout>;
}

/**
 * The hold-to-record button and its recording bar (before the button: while recording it takes
 * the text box's place), or nothing where the channel takes no voice messages or the browser
 * cannot record. The recording is stored by `POST /voice` with its length and sent as a message.
 */
export const voiceTool: ComposerTool = (context) => {
  const limits = context.settings.voice;
  if (!limits || typeof MediaRecorder !== 'function' || !navigator.mediaDevices?.getUserMedia) return undefined;
  const t = context.t;
  const api = context.api;
  const say = context.status;
  const wrap = el('span', 'voice-tool');
  const mic = button('btn secondary mic', '', t('voice.record'));
  mic.title = t('voice.record');
  mic.append(svgIcon(MIC));
  const bar = el('div', 'recorder');
  bar.hidden = true;
  bar.setAttribute('role', 'status');
  const clock = el('span', 'clock');
  const hint = el('span', 'hint');
  bar.append(el('span', 'dot'), clock, hint);
  wrap.append(bar, mic);

  let session: Recording | undefined;
  let origin = { x: 0, y: 0 };
  const recording = (on: boolean) => {
    mic.classList.toggle('live', on);
    mic.closest('form')?.classList.toggle('recording', on);
    bar.hidden = !on;
  };

  const setCancel = (cancel: boolean) => {
    if (!session) return;
    session.cancel = cancel;
    bar.classList.toggle('cancel', cancel);
    hint.textContent = cancel ? t('voice.release') : t('voice.slide');
  };

  const start = async () => {
    if (session) return;
    const current: Recording = { started: performance.now(), cancel: false, ended: false };
    session = current;
    recording(true);
    clock.textContent = t('voice.recording', length(0));
    setCancel(false);
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      current.stream = stream;
      if (current.ended) return finish(current);
      const type = recordingType((candidate) => MediaRecorder.isTypeSupported(candidate));
      const recorder = new MediaRecorder(stream, type ? { mimeType: type, audioBitsPerSecond: 32_000 } : { audioBitsPerSecond: 32_000 });
      current.recorder = recorder;
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      recorder.onstop = () => void send(current, new Blob(chunks, { type: recorder.mimeType || type || 'audio/webm' }));
      // Counted from when the recorder really starts, so the length shown is the sound's.
      recorder.onstart = () => (current.started = performance.now());
      recorder.start();
      current.started = performance.now();
      current.tick = setInterval(() => (clock.textContent = t('voice.recording', length((performance.now() - current.started) / 1000))), 250);
      // The time limit: the recording stops and is sent, as if the button were let go.
      current.limit = setTimeout(() => {
        say(t('voice.limit', length(limits.maxSeconds)));
        stop();
      }, limits.maxSeconds * 1000);
    } catch {
      say(t('voice.noMic'));
      finish(current);
    }
  };

  const finish = (current: Recording) => {
    clearInterval(current.tick);
    clearTimeout(current.limit);
    for (const track of current.stream?.getTracks() ?? []) track.stop();
    // A press let go before its microphone was ready ends after the next one began: that one stays.
    if (session && session !== current) return;
    session = undefined;
    recording(false);
  };

  const stop = () => {
    const current = session;
    if (!current || current.ended) return;
    current.ended = true;
    if (current.recorder?.state === 'recording') return current.recorder.stop();
    // Let go (or cancelled) before the microphone was ready: nothing was recorded.
    finish(current);
    say(current.cancel ? t('voice.cancelled') : t('voice.tooShort'));
  };

  const send = async (current: Recording, blob: Blob) => {
    const seconds = Math.min(limits.maxSeconds, (performance.now() - current.started) / 1000);
    finish(current);
    if (current.cancel) return say(t('voice.cancelled'));
    if (seconds < MIN_SECONDS) return say(t('voice.tooShort'));
    if (blob.size > limits.maxBytes) return say(t('voice.tooLarge'));
    let stored: { id: string; name: string; mimeType: string; duration: number };
    try {
      const name = `voice.${recordingExtension(blob.type)}`;
      stored = await api.call(`/voice?duration=${seconds.toFixed(2)}&name=${encodeURIComponent(name)}`, { method: 'POST', body: blob });
    } catch (error) {
      // The loader's ApiError is not the panel's: the refusal is read by its fields.
      const status = refusal(error)?.status;
      return say(status === 413 ? t('voice.tooLarge') : status === 415 ? t('fileType') : t('voice.failed'));
    }
    const part: Part = { type: 'audio', attachmentId: stored.id, name: stored.name, mimeType: stored.mimeType, duration: stored.duration };
    await context.deliver({ attachmentIds: [stored.id] }, [part]);
  };

  mic.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    origin = { x: e.clientX, y: e.clientY };
    mic.setPointerCapture?.(e.pointerId);
    void start();
  });
  mic.addEventListener('pointermove', (e) => {
    if (session) setCancel(slidAway(origin, { x: e.clientX, y: e.clientY }));
  });
  mic.addEventListener('pointerup', stop);
  mic.addEventListener('pointercancel', () => {
    setCancel(true);
    stop();
  });
  mic.addEventListener('contextmenu', (e) => e.preventDefault());
  // From the keyboard: hold Space or Enter to record, let go to send, Escape cancels.
  mic.addEventListener('keydown', (e) => {
    if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) {
      e.preventDefault();
      void start();
    } else if (e.key === 'Escape' && session) {
      // The panel closes on Escape otherwise: here it only cancels the recording.
      e.preventDefault();
      e.stopPropagation();
      setCancel(true);
      stop();
    } else if (e.key === ' ' || e.key === 'Enter') e.preventDefault();
  });
  mic.addEventListener('keyup', (e) => {
    if (e.key === ' ' || e.key === 'Enter') stop();
  });
  mic.addEventListener('click', (e) => e.preventDefault());
  return wrap;
};

/** An `audio` part: the player, its file served with the visitor's token. */
export const audioPart = (part: Part, context: { t: Translate; attachmentUrl(id: string): string }): HTMLElement | undefined =>
  part.attachmentId ? voicePlayer(context.attachmentUrl(part.attachmentId), part.duration, context.t) : undefined;
