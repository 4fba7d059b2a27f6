// Voice messages in the widget: hold the microphone button to record (mouse, finger, or Space/Enter
// held down), let go to send, slide away or press Escape to cancel; and a small player with the
// message's length. Loaded with the widget; the widget's main file only places the button and the player.
import { formatDuration, recordingExtension, recordingType, slidAway } from '../../../core/domain/voice-recording.js';
import { ApiError, type Part, type WidgetApi } from './api.js';

export interface VoiceLimits {
  maxSeconds: number;
  maxBytes: number;
}

const TEXT = {
  en: {
    record: 'Hold to record a voice message',
    recording: 'Recording',
    slide: 'Slide away to cancel',
    release: 'Release to cancel',
    cancelled: 'Voice message cancelled',
    tooShort: 'Hold the button while you speak',
    tooLarge: 'This voice message is too large',
    noMic: 'The microphone is not available',
    failed: 'The voice message was not sent',
    play: 'Play voice message, {d}',
    pause: 'Pause voice message',
    limit: 'Voice messages stop at {d}',
  },
  'zh-CN': {
    record: '按住录制语音消息',
    recording: '正在录音',
    slide: '滑开取消',
    release: '松开取消',
    cancelled: '已取消语音消息',
    tooShort: '请按住按钮说话',
    tooLarge: '语音消息过大',
    noMic: '无法使用麦克风',
    failed: '语音消息未发送',
    play: '播放语音消息,{d}',
    pause: '暂停语音消息',
    limit: '语音消息最长 {d}',
  },
  'zh-TW': {
    record: '按住錄製語音訊息',
    recording: '正在錄音',
    slide: '滑開取消',
    release: '放開取消',
    cancelled: '已取消語音訊息',
    tooShort: '請按住按鈕說話',
    tooLarge: '語音訊息過大',
    noMic: '無法使用麥克風',
    failed: '語音訊息未傳送',
    play: '播放語音訊息,{d}',
    pause: '暫停語音訊息',
    limit: '語音訊息最長 {d}',
  },
};
export type VoiceText = (typeof TEXT)['en'];

/** The voice texts in a language tag's nearest language (zh-HK and zh-Hant read Traditional). */
export function voiceText(language: string): VoiceText {
  const tag = language.toLowerCase();
  if (/^zh-(tw|hk|mo|hant)/.test(tag)) return TEXT['zh-TW'];
  if (tag.startsWith('zh')) return TEXT['zh-CN'];
  return TEXT.en;
}

const fill = (text: string, seconds: number) => text.replace('{d}', formatDuration(seconds));

/** Below this a press is taken as a tap, not a message. */
const MIN_SECONDS = 0.5;

export const voiceStyles = (color: string) => `
form.compose.recording textarea, form.compose.recording .attach { display: none; }
.mic { background: #eef0f3; color: #111; touch-action: none; user-select: none; -webkit-user-select: none; -webkit-touch-callout: none; }
.mic svg { display: block; }
.mic.live { background: #b91c1c; color: #fff; }
.recorder { flex: 1; height: 40px; display: flex; align-items: center; gap: 8px; min-width: 0;
  background: #fff; border: 1px solid #d1d5db; border-radius: 8px; padding: 0 10px; font-size: 14px; color: #111; white-space: nowrap; }
.recorder[hidden] { display: none; }
.recorder .dot { width: 10px; height: 10px; border-radius: 50%; background: #b91c1c; flex: none; }
.recorder .hint { color: #4b5563; font-size: 13px; margin-left: auto; }
.recorder.cancel .hint { color: #b91c1c; font-weight: 600; }
.voice { display: flex; align-items: center; gap: 8px; min-width: 150px; }
.voice .play { width: 32px; height: 32px; border-radius: 50%; border: 0; cursor: pointer; flex: none; display: flex; align-items: center; justify-content: center;
  background: #fff; color: ${color}; }
.msg.out .voice .play { background: ${color}; color: #fff; }
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
export function voicePlayer(src: string, duration: number | undefined, text: VoiceText): HTMLElement {
  const box = document.createElement('div');
  box.className = 'voice';
  const play = document.createElement('button');
  play.type = 'button';
  play.className = 'play';
  const bar = document.createElement('span');
  bar.className = 'bar';
  const progress = document.createElement('i');
  bar.append(progress);
  const time = document.createElement('span');
  time.className = 'time';
  const audio = document.createElement('audio');
  audio.preload = 'none';
  audio.src = src;
  let length = duration ?? 0;
  const idle = () => {
    play.replaceChildren(svgIcon(PLAY));
    play.setAttribute('aria-label', fill(text.play, length));
    time.textContent = formatDuration(length);
  };
  idle();
  audio.addEventListener('loadedmetadata', () => {
    if (!duration && Number.isFinite(audio.duration)) length = audio.duration;
  });
  audio.addEventListener('timeupdate', () => {
    if (length > 0) progress.style.width = `${Math.min(100, (audio.currentTime / length) * 100)}%`;
    time.textContent = formatDuration(Math.max(0, length - audio.currentTime));
  });
  audio.addEventListener('play', () => {
    play.replaceChildren(svgIcon(PAUSE));
    play.setAttribute('aria-label', text.pause);
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

export interface RecorderOptions {
  api: WidgetApi;
  limits: VoiceLimits;
  text: VoiceText;
  /** Where the widget says what happened (its status line). */
  say(message: string): void;
  /** Sends the stored recording as the visitor's message, shown at once. */
  deliver(payload: { attachmentIds: string[] }, preview: Part[]): Promise<void>;
}

/**
 * The hold-to-record button and its recording bar, or nothing where the browser cannot record.
 * The bar goes before the button in the composer: while recording it takes the text field's place.
 */
export function voiceRecorder(options: RecorderOptions): { button: HTMLButtonElement; bar: HTMLElement } | undefined {
  if (typeof MediaRecorder !== 'function' || !navigator.mediaDevices?.getUserMedia) return undefined;
  const api = options.api;
  const limits = options.limits;
  const text = options.text;
  const say = options.say;
  const deliver = options.deliver;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'btn mic';
  button.setAttribute('aria-label', text.record);
  button.title = text.record;
  button.append(svgIcon(MIC));
  const bar = document.createElement('div');
  bar.className = 'recorder';
  bar.hidden = true;
  bar.setAttribute('role', 'status');
  const dot = document.createElement('span');
  dot.className = 'dot';
  const clock = document.createElement('span');
  clock.className = 'clock';
  const hint = document.createElement('span');
  hint.className = 'hint';
  bar.append(dot, clock, hint);

  let session: Recording | undefined;
  let origin = { x: 0, y: 0 };

  const setCancel = (cancel: boolean) => {
    if (!session) return;
    session.cancel = cancel;
    bar.classList.toggle('cancel', cancel);
    hint.textContent = cancel ? text.release : text.slide;
  };

  const start = async () => {
    if (session) return;
    const current: Recording = { started: performance.now(), cancel: false, ended: false };
    session = current;
    button.classList.add('live');
    button.parentElement?.classList.add('recording');
    bar.hidden = false;
    clock.textContent = `${text.recording} 0:00`;
    setCancel(false);
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      current.stream = stream;
      if (current.ended) return finish(current);
      const type = recordingType((t) => MediaRecorder.isTypeSupported(t));
      const recorder = new MediaRecorder(stream, type ? { mimeType: type, audioBitsPerSecond: 32_000 } : { audioBitsPerSecond: 32_000 });
      current.recorder = recorder;
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      recorder.onstop = () => void send(current, new Blob(chunks, { type: recorder.mimeType || type || 'audio/webm' }));
      // Counted from when the recorder really starts, so the length shown is the sound's.
      recorder.onstart = () => (current.started = performance.now());
      recorder.start();
      current.started = performance.now();
      current.tick = setInterval(() => (clock.textContent = `${text.recording} ${formatDuration((performance.now() - current.started) / 1000)}`), 250);
      // The time limit: the recording stops and is sent, as if the button were let go.
      current.limit = setTimeout(() => {
        say(fill(text.limit, limits.maxSeconds));
        stop();
      }, limits.maxSeconds * 1000);
    } catch {
      say(text.noMic);
      finish(current);
    }
  };

  const finish = (current: Recording) => {
    clearInterval(current.tick);
    clearTimeout(current.limit);
    for (const track of current.stream?.getTracks() ?? []) track.stop();
    if (session === current) session = undefined;
    button.classList.remove('live');
    button.parentElement?.classList.remove('recording');
    bar.hidden = true;
  };

  const stop = () => {
    const current = session;
    if (!current || current.ended) return;
    current.ended = true;
    if (current.recorder?.state === 'recording') current.recorder.stop();
    else finish(current);
  };

  const send = async (current: Recording, blob: Blob) => {
    const seconds = Math.min(limits.maxSeconds, (performance.now() - current.started) / 1000);
    finish(current);
    if (current.cancel) return say(text.cancelled);
    if (seconds < MIN_SECONDS) return say(text.tooShort);
    if (blob.size > limits.maxBytes) return say(text.tooLarge);
    try {
      const name = `voice.${recordingExtension(blob.type)}`;
      const stored = await api.call<{ id: string; name: string; mimeType: string; size: number; duration: number }>(
        `/voice?duration=${seconds.toFixed(2)}&name=${encodeURIComponent(name)}`,
        { method: 'POST', body: blob },
      );
      await deliver({ attachmentIds: [stored.id] }, [{ type: 'audio', attachmentId: stored.id, name: stored.name, mimeType: stored.mimeType, duration: stored.duration }]);
    } catch (error) {
      say(error instanceof ApiError ? error.message : text.failed);
    }
  };

  button.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    origin = { x: e.clientX, y: e.clientY };
    button.setPointerCapture?.(e.pointerId);
    void start();
  });
  button.addEventListener('pointermove', (e) => {
    if (session) setCancel(slidAway(origin, { x: e.clientX, y: e.clientY }));
  });
  button.addEventListener('pointerup', stop);
  button.addEventListener('pointercancel', () => {
    setCancel(true);
    stop();
  });
  button.addEventListener('contextmenu', (e) => e.preventDefault());
  // From the keyboard: hold Space or Enter to record, let go to send, Escape cancels.
  button.addEventListener('keydown', (e) => {
    if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) {
      e.preventDefault();
      void start();
    } else if (e.key === 'Escape' && session) {
      e.preventDefault();
      setCancel(true);
      stop();
    } else if (e.key === ' ' || e.key === 'Enter') e.preventDefault();
  });
  button.addEventListener('keyup', (e) => {
    if (e.key === ' ' || e.key === 'Enter') stop();
  });
  button.addEventListener('click', (e) => e.preventDefault());
  return { button, bar };
}
