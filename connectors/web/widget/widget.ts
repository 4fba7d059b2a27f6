// The web chat widget: `<script src="https://<switchboard>/widget/widget.js" data-key="pk_..."></script>`.
// Everything the visitor or an agent wrote is put on the page with textContent, never as HTML.
import { ApiError, newId, WidgetApi, type ChatMessage, type Part, type WidgetSettings } from './api.js';
import { styles } from './styles.js';
import { voicePlayer, voiceRecorder, voiceStyles, voiceText } from './voice.js';

const script = document.currentScript as HTMLScriptElement | null;
const key = script?.dataset.key;
if (script && key) void start(script, key);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A speech bubble drawn as SVG: no emoji font or icon font is needed on the visitor's device. */
function chatIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '26');
  svg.setAttribute('height', '26');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

async function start(tag: HTMLScriptElement, publicKey: string): Promise<void> {
  const origin = new URL(tag.src).origin;
  const api = new WidgetApi(`${origin}/widget/${publicKey}`);
  const storeKey = `switchboard.chat.${publicKey}`;
  const saved = JSON.parse(localStorage.getItem(storeKey) ?? '{}') as { token?: string; cursor?: string; profiled?: boolean };
  const save = () => localStorage.setItem(storeKey, JSON.stringify(saved));
  const settings = await api.call<WidgetSettings>('/config');

  const host = el('div');
  host.id = 'switchboard-chat';
  document.body.appendChild(host);
  const root = host.attachShadow({ mode: 'open' });
  const style = el('style');
  style.textContent = styles(settings.color) + voiceStyles(settings.color);
  const voice = voiceText(document.documentElement.lang || navigator.language);
  const launcher = el('button', 'launcher');
  launcher.append(chatIcon());
  launcher.setAttribute('aria-label', settings.title);
  const panel = el('div', 'panel');
  const header = el('header');
  const close = el('button', '', '×');
  close.setAttribute('aria-label', 'close');
  header.append(el('span', '', settings.title), close);
  const body = el('div', 'log');
  const status = el('div', 'status');
  panel.append(header, body, status);
  root.append(style, launcher, panel);

  const seen = new Map<string, HTMLElement>();
  let open = false;
  let lastOut: string | undefined;

  const identity = tag.dataset.userId && tag.dataset.userHash
    ? { userId: tag.dataset.userId, hash: tag.dataset.userHash, email: tag.dataset.userEmail, name: tag.dataset.userName }
    : undefined;

  const attachmentUrl = (id: string) => `${api.base}/attachments/${id}?token=${encodeURIComponent(api.token ?? '')}`;
  // The satisfaction survey as a card: five stars; the answer goes to the survey's signed link.
  const ratingCard = (url: string): HTMLElement => {
    const card = el('div', 'survey');
    card.append(el('div', '', 'How did we do? · 您对本次服务满意吗?'));
    const stars = el('div', 'stars');
    for (let n = 1; n <= 5; n++) {
      const star = el('button', 'star', '★');
      star.type = 'button';
      star.setAttribute('aria-label', `${n} / 5`);
      star.addEventListener('click', () => {
        const body = new URLSearchParams({ rating: String(n), via: 'widget' });
        // Posted to the survey page's path on the origin the widget came from (where its API is).
        void fetch(`${origin}${new URL(url).pathname}`, { method: 'POST', body, mode: 'no-cors' }).catch(() => {});
        card.replaceChildren(el('div', '', `${'★'.repeat(n)} Thank you · 谢谢`));
      });
      stars.append(star);
    }
    card.append(stars);
    return card;
  };
  const renderPart = (part: Part): HTMLElement => {
    if (part.type === 'event' && part.name === 'csat.survey' && typeof part.data?.url === 'string') return ratingCard(part.data.url);
    if (part.type === 'audio' && part.attachmentId) return voicePlayer(attachmentUrl(part.attachmentId), part.duration, voice);
    if (part.type === 'image' && (part.attachmentId || part.url)) {
      const img = el('img');
      img.alt = part.name ?? 'image';
      img.src = part.attachmentId ? attachmentUrl(part.attachmentId) : part.url!;
      return img;
    }
    if ((part.type === 'file' || part.type === 'link' || part.type === 'image') && (part.attachmentId || part.url)) {
      const link = el('a', '', part.name ?? part.title ?? part.url ?? 'file');
      link.href = part.attachmentId ? attachmentUrl(part.attachmentId) : part.url!;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      return link;
    }
    return el('div', '', part.text ?? '');
  };

  const show = (message: ChatMessage, pending = false): void => {
    const ids = [message.id, message.clientMessageId && `c:${message.clientMessageId}`].filter(Boolean) as string[];
    const existing = ids.map((id) => seen.get(id)).find(Boolean);
    const bubble = existing ?? el('div');
    bubble.className = `msg ${message.direction}${pending ? ' pending' : ''}`;
    const survey = message.parts.some((p) => p.type === 'event' && p.name === 'csat.survey');
    // A survey shows as its card alone; the text with the link is for channels without one.
    const shown = survey ? message.parts.filter((p) => p.type === 'event' && p.name === 'csat.survey') : message.parts.filter((p) => p.type !== 'event');
    bubble.replaceChildren(...shown.map(renderPart));
    if (message.author) bubble.title = message.author;
    for (const id of ids) seen.set(id, bubble);
    if (!existing) body.appendChild(bubble);
    if (message.id && (!saved.cursor || BigInt(message.id) > BigInt(saved.cursor))) {
      saved.cursor = message.id;
      save();
    }
    if (message.direction === 'out' && message.id) lastOut = message.id;
    body.scrollTop = body.scrollHeight;
    markRead();
  };

  const markRead = () => {
    if (!open || !lastOut || document.visibilityState !== 'visible') return;
    const upTo = lastOut;
    lastOut = undefined;
    void api.post('/receipts', { upTo, status: 'read' }).catch(() => {});
  };
  document.addEventListener('visibilitychange', markRead);

  // A page that has just loaded shows nothing yet: it asks for the whole history. On a reconnect
  // the page has what came before the cursor and asks only for what came after it.
  const resync = async (whole = false) => {
    const after = whole ? undefined : saved.cursor;
    const history = await api.call<{ messages: ChatMessage[]; conversation: { status: string } | null }>(`/history${after ? `?after=${after}` : ''}`);
    for (const message of history.messages) show(message);
    if (history.conversation?.status === 'queued' && !status.textContent) status.textContent = 'Waiting for an agent…';
  };

  const onFrame = (frame: { type: string; message?: ChatMessage; on?: boolean; position?: number | null; agent?: string | null }) => {
    if (frame.type === 'message' && frame.message) show(frame.message);
    else if (frame.type === 'typing') status.textContent = frame.on ? 'Agent is typing…' : '';
    else if (frame.type === 'queue') status.textContent = frame.position ? `You are number ${frame.position} in the queue` : 'Waiting for an agent…';
    else if (frame.type === 'assigned') status.textContent = frame.agent ? `${frame.agent} joined` : '';
    else if (frame.type === 'resolved') status.textContent = 'This conversation was closed';
  };

  // Live feed: WebSocket first, Server-Sent Events if it cannot open; resync from the cursor on every (re)connect.
  let retry = 0;
  const connect = (preferSse = false) => {
    const query = `?token=${encodeURIComponent(api.token!)}`;
    const connected = () => {
      retry = 0;
      void resync().catch(() => {});
    };
    const again = (sse: boolean) => setTimeout(() => connect(sse), Math.min(30_000, 500 * 2 ** retry++));
    let socket: WebSocket | undefined;
    try {
      if (!preferSse && typeof WebSocket === 'function') socket = new WebSocket(`${api.base.replace(/^http/, 'ws')}/socket${query}`);
    } catch {
      socket = undefined;
    }
    if (socket) {
      let opened = false;
      socket.onmessage = (e) => {
        const frame = JSON.parse(String(e.data));
        if (frame.type === 'ready') {
          opened = true;
          connected();
        } else onFrame(frame);
      };
      socket.onclose = () => again(!opened);
      return;
    }
    const source = new EventSource(`${api.base}/events${query}`);
    source.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      if (frame.type === 'ready') connected();
      else onFrame(frame);
    };
    source.onerror = () => {
      source.close();
      again(false);
    };
  };

  const composer = (): HTMLElement => {
    const form = el('form', 'compose');
    const text = el('textarea');
    text.placeholder = 'Write a message…';
    const file = el('input');
    file.type = 'file';
    file.hidden = true;
    const attach = el('button', 'btn attach', '+');
    attach.type = 'button';
    attach.setAttribute('aria-label', 'attach a file');
    const send = el('button', 'btn', 'Send');
    form.append(text, file, attach, send);
    const recorder = settings.voice && voiceRecorder({ api, limits: settings.voice, text: voice, say: (m) => (status.textContent = m), deliver: (p, preview) => deliver(p, preview) });
    if (recorder) form.insertBefore(recorder.button, send).before(recorder.bar);
    let typing: ReturnType<typeof setTimeout> | undefined;
    text.addEventListener('input', () => {
      if (!typing) void api.post('/typing', { on: true }).catch(() => {});
      clearTimeout(typing);
      typing = setTimeout(() => {
        typing = undefined;
        void api.post('/typing', { on: false }).catch(() => {});
      }, 3000);
    });
    text.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    const deliver = async (payload: { text?: string; attachmentIds?: string[] }, preview: Part[]) => {
      const clientMessageId = newId();
      show({ direction: 'in', parts: preview, clientMessageId }, true);
      try {
        await api.postWithRetry('/messages', { clientMessageId, page: location.href, ...payload });
        seen.get(`c:${clientMessageId}`)?.classList.remove('pending');
      } catch (error) {
        status.textContent = error instanceof ApiError ? error.message : 'Not sent: check your connection';
      }
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = text.value.trim();
      if (!value) return;
      text.value = '';
      void deliver({ text: value }, [{ type: 'text', text: value }]);
    });
    attach.addEventListener('click', () => file.click());
    file.addEventListener('change', async () => {
      const chosen = file.files?.[0];
      file.value = '';
      if (!chosen) return;
      if (chosen.size > settings.maxUploadBytes) {
        status.textContent = 'This file is too large';
        return;
      }
      try {
        const stored = await api.call<{ id: string; name: string; mimeType: string }>(`/uploads?name=${encodeURIComponent(chosen.name)}`, { method: 'POST', body: chosen });
        const kind = stored.mimeType.startsWith('image/') ? 'image' : 'file';
        await deliver({ attachmentIds: [stored.id] }, [{ type: kind, attachmentId: stored.id, name: stored.name, mimeType: stored.mimeType }]);
      } catch (error) {
        status.textContent = error instanceof ApiError ? error.message : 'Upload failed';
      }
    });
    return form;
  };

  const fieldsForm = (fields: WidgetSettings['preChatFields'], intro: string, submit: string, onDone: (values: Record<string, string>) => Promise<void>) => {
    const form = el('form', 'form');
    form.append(el('div', '', intro));
    const inputs = fields.map((field) => {
      const label = el('label', '', field.label);
      const input = field.name === 'text' ? el('textarea') : el('input');
      input.name = field.name;
      if (input instanceof HTMLInputElement) input.type = field.type;
      input.required = field.required;
      label.append(input);
      form.append(label);
      return input;
    });
    const error = el('div', 'error');
    const button = el('button', 'btn', submit);
    form.append(error, button);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const values: Record<string, string> = {};
      for (const input of inputs) if (input.value.trim()) values[input.name] = input.value.trim();
      onDone(values).catch((err: unknown) => (error.textContent = err instanceof Error ? err.message : 'failed'));
    });
    return form;
  };

  const ensureSession = async (profile?: Record<string, string>) => {
    const session = await api.post<{ token: string }>('/session', { token: saved.token, identity, profile });
    api.token = saved.token = session.token;
    save();
  };

  let started = false;
  const begin = async () => {
    if (started) return;
    started = true;
    if (!settings.online && !saved.cursor) {
      await ensureSession();
      const form = fieldsForm(
        [
          { name: 'name', label: 'Name', type: 'text', required: false },
          { name: 'email', label: 'E-mail', type: 'email', required: true },
          { name: 'text', label: 'Message', type: 'text', required: true },
        ],
        'We are away right now. Leave a message and we will answer by e-mail.',
        'Send',
        async (values) => {
          await api.postWithRetry('/offline', { clientMessageId: newId(), name: values.name, email: values.email, text: values.text });
          form.replaceWith(el('div', 'form', 'Thank you, we will get back to you.'));
        },
      );
      panel.insertBefore(form, status);
      body.remove();
      return;
    }
    const chat = async (profile?: Record<string, string>) => {
      await ensureSession(profile);
      if (settings.greeting) body.prepend(el('div', 'msg out', settings.greeting));
      panel.append(composer());
      await resync(true);
      connect();
    };
    if (settings.preChatFields.length && !saved.profiled && !saved.token) {
      const form = fieldsForm(settings.preChatFields, 'Tell us who you are', 'Start chat', async (values) => {
        saved.profiled = true;
        form.remove();
        await chat(values);
      });
      panel.insertBefore(form, status);
    } else await chat();
  };

  const toggle = (next: boolean) => {
    open = next;
    panel.classList.toggle('open', open);
    if (open) void begin().then(markRead, (error: unknown) => (status.textContent = error instanceof Error ? error.message : 'unavailable'));
  };
  launcher.addEventListener('click', () => toggle(!open));
  close.addEventListener('click', () => toggle(false));
  // A visitor who chatted before comes back to their conversation after a reload.
  if (saved.token) toggle(true);
}
