import { newId, type ChatMessage, type Part } from '../api.js';
import { button, el } from '../dom.js';
import type { PanelHandle, PanelHost } from '../host.js';
import { panelStyles } from '../styles.js';
import { articleSuggestions } from './suggestions.js';
import { attachTool, composer, type ComposerTool } from './composer.js';
import { connectFeed, type Frame } from './feed.js';
import { focusFirst, trapFocus } from './focus.js';
import { questionsForm } from './forms.js';
import { ratingCard } from './rating.js';
import { audioPart, voiceStyles, voiceTool } from './voice.js';

/** The composer's tools, in order. A new kind of message is one more entry here. */
export const composerTools: ComposerTool[] = [attachTool, voiceTool];

/** What a part renderer may use: the visitor's language and the address of a stored file. */
export interface PartContext {
  t: PanelHost['t'];
  attachmentUrl(id: string): string;
}

/**
 * How a kind of message part is shown, by part type, before the built-in ones (text, image, file,
 * link, the rating card): a new kind (an `audio` player) is one more entry here.
 */
export const partRenderers: Partial<Record<string, (part: Part, context: PartContext) => HTMLElement | undefined>> = { audio: audioPart };

function bellIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute(
    'd',
    'M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.8V3a1.5 1.5 0 0 0-3 0v1.2A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z',
  );
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

/**
 * The open chat as a modal dialog: header (title, sound, close), the messages, a status line, "talk
 * to a person" and the composer, or the pre-chat / leave-a-message form first. Focus stays inside
 * while it is open and goes back to the launcher when it closes; agents' replies are announced.
 */
export function mountPanel(host: PanelHost): PanelHandle {
  const api = host.api;
  const t = host.t;
  const settings = host.settings;
  const saved = host.saved;
  const save = host.save;
  const locale = host.locale;
  const texts = settings.texts[locale] ?? {};
  const style = el('style');
  style.textContent = panelStyles(settings.color) + voiceStyles(settings.color);
  const panel = el('div', 'panel');
  panel.lang = locale;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-modal', 'true');
  panel.setAttribute('aria-labelledby', 'sb-title');
  const header = el('header');
  const title = el('h2', '', texts.title || (settings.title === 'Chat with us' ? t('title') : settings.title));
  title.id = 'sb-title';
  const sound = button('sound', '', t('sound'));
  sound.append(bellIcon());
  sound.setAttribute('aria-pressed', String(saved.sound === true));
  sound.addEventListener('click', () => {
    saved.sound = !saved.sound;
    save();
    sound.setAttribute('aria-pressed', String(saved.sound));
  });
  const close = button('close', '×', t('close'));
  close.addEventListener('click', () => host.close());
  header.append(title, sound, close);
  const log = el('div', 'log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-label', t('messages'));
  log.setAttribute('aria-live', 'off');
  log.tabIndex = 0;
  const status = el('div', 'status');
  status.setAttribute('role', 'status');
  const announcer = el('div', 'visually-hidden');
  announcer.setAttribute('aria-live', 'polite');
  const person = button('person', t('person'));
  person.hidden = true;
  panel.append(header, log, status, announcer);
  host.root.append(style, panel);
  trapFocus(panel, host.root, () => host.close());

  let open = false;
  let started: Promise<void> | undefined;
  let stopFeed: (() => void) | undefined;
  let lastOut: string | undefined;
  const seen = new Map<string, HTMLElement>();
  const say = (text: string) => (status.textContent = text);
  const announce = (text: string) => {
    announcer.textContent = '';
    setTimeout(() => (announcer.textContent = text), 50);
  };

  const attachmentUrl = (id: string) => `${api.base}/attachments/${id}?token=${encodeURIComponent(api.token ?? '')}`;
  const renderPart = (part: Part): HTMLElement => {
    const custom = partRenderers[part.type]?.(part, { t, attachmentUrl });
    if (custom) return custom;
    if (part.type === 'event' && part.name === 'csat.survey' && typeof part.data?.url === 'string') return ratingCard(t, host.origin, part.data.url);
    if (part.type === 'image' && (part.attachmentId || part.url)) {
      const img = el('img');
      img.alt = part.name ?? t('image');
      img.src = part.attachmentId ? attachmentUrl(part.attachmentId) : part.url!;
      return img;
    }
    if ((part.type === 'file' || part.type === 'link' || part.type === 'image') && (part.attachmentId || part.url)) {
      const link = el('a', '', part.name ?? part.title ?? part.url ?? t('file'));
      link.href = part.attachmentId ? attachmentUrl(part.attachmentId) : part.url!;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      return link;
    }
    return el('div', '', part.text ?? '');
  };

  // The state of the visitor's last message under it: sending, delivered, read (someone in the
  // console viewed the conversation after it arrived: the message's status, or a live `read` frame).
  const receipt = el('div', 'receipt');
  let readUpTo = BigInt(0);
  const drawReceipt = () => {
    const lastIn = [...log.querySelectorAll<HTMLElement>('.msg.in')].pop();
    if (!lastIn) return receipt.remove();
    const read = lastIn.dataset.read === 'true' || (lastIn.dataset.id !== undefined && BigInt(lastIn.dataset.id) <= readUpTo);
    receipt.textContent =
      lastIn.dataset.state === 'pending' ? t('sending') : lastIn.dataset.state === 'failed' ? t('notSent') : read ? t('read') : t('delivered');
    lastIn.after(receipt);
  };

  const receipts = () => {
    if (!lastOut) return;
    const upTo = lastOut;
    const read = open && document.visibilityState === 'visible';
    if (read) lastOut = undefined;
    void api.post('/receipts', { upTo, status: read ? 'read' : 'delivered' }).catch(() => {});
  };
  document.addEventListener('visibilitychange', receipts);

  const citationList = (cited: Citation[]): HTMLElement => {
    const box = el('div', 'sources');
    box.append(el('div', 'sources-title', t('sources')));
    for (const c of cited) {
      const link = el('a', '', c.title);
      link.href = c.url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      box.append(link);
    }
    return box;
  };

  const show = (message: ChatMessage, live = false, state?: 'pending' | 'failed'): void => {
    const ids = [message.id, message.clientMessageId && `c:${message.clientMessageId}`].filter(Boolean) as string[];
    const existing = ids.map((id) => seen.get(id)).find(Boolean);
    const bubble = existing ?? el('div');
    bubble.className = `msg ${message.direction}`;
    if (message.direction === 'in') {
      bubble.dataset.state = state ?? 'sent';
      if (message.id && /^\d{1,19}$/.test(message.id)) bubble.dataset.id = message.id;
      if (message.status === 'read') bubble.dataset.read = 'true';
    }
    const survey = message.parts.some((p) => p.type === 'event' && p.name === 'csat.survey');
    const cited = citationsOf(message.parts);
    // A survey shows as its card alone; the text with the link is for channels without one. The
    // bot's citations show as links under its answer (its text lists them for other channels).
    const shown = survey
      ? message.parts.filter((p) => p.type === 'event' && p.name === 'csat.survey')
      : message.parts
          .filter((p) => p.type !== 'event')
          .map((p) => (cited.length > 0 && p.type === 'text' ? { ...p, text: withoutLinks(p.text ?? '', cited) } : p));
    if (shown.length === 0) return;
    const bot = message.direction === 'out' && (message.bot === true || cited.length > 0);
    if (bot) bubble.classList.add('bot');
    const who = message.direction === 'out' ? el('span', 'who', bot ? t('bot') : (message.author ?? t('agent'))) : undefined;
    const sources = cited.length > 0 ? [citationList(cited)] : [];
    bubble.replaceChildren(...(who ? [who] : []), ...shown.map(renderPart), ...sources);
    for (const id of ids) seen.set(id, bubble);
    if (!existing) log.append(bubble);
    if (message.id && (!saved.cursor || BigInt(message.id) > BigInt(saved.cursor))) {
      saved.cursor = message.id;
      save();
    }
    if (message.direction === 'out' && message.id) {
      lastOut = message.id;
      if (live && !existing) {
        const text =
          shown
            .map((p) => (p.type === 'audio' ? t('voice.message') : (p.text ?? p.name ?? '')))
            .join(' ')
            .trim() || t('rate');
        announce(t('newMessage', { name: bot ? t('bot') : (message.author ?? t('agent')), text }));
        host.incoming(message);
      }
    }
    drawReceipt();
    log.scrollTop = log.scrollHeight;
    receipts();
  };

  // A page that has just loaded shows nothing yet: it asks for the whole history. On a reconnect
  // the page has what came before the cursor and asks only for what came after it.
  const resync = async (whole = false) => {
    const after = whole ? undefined : saved.cursor;
    const history = await api.call<{ messages: ChatMessage[]; conversation: { status: string } | null }>(`/history${after ? `?after=${after}` : ''}`);
    for (const message of history.messages) show(message, !whole);
    if (history.conversation?.status === 'queued' && !status.textContent) say(t('waiting'));
  };

  const onFrame = (frame: Frame) => {
    if (frame.type === 'message' && frame.message) show(frame.message, true);
    else if (frame.type === 'typing') say(frame.on ? t('typing') : '');
    else if (frame.type === 'queue') say(frame.position ? t('queue', { n: frame.position }) : t('waiting'));
    else if (frame.type === 'assigned') say(frame.agent ? t('joined', { name: frame.agent }) : '');
    else if (frame.type === 'resolved') say(texts.closed || t('closed'));
    else if (frame.type === 'read' && frame.upTo && /^\d{1,19}$/.test(frame.upTo)) {
      if (BigInt(frame.upTo) > readUpTo) readUpTo = BigInt(frame.upTo);
      for (const id of frame.clientMessageIds ?? []) {
        const bubble = seen.get(`c:${id}`);
        if (bubble) bubble.dataset.read = 'true';
      }
      drawReceipt();
    }
  };

  const ensureSession = async (profile?: Record<string, string>) => {
    const session = await api.post<{ token: string }>('/session', { token: saved.token, identity: host.identity, profile });
    api.token = saved.token = session.token;
    save();
  };

  const talkToPerson = async () => {
    await ensureSession();
    await api.postWithRetry('/handoff', { clientMessageId: newId(), page: location.href });
    say(t('personAsked'));
    person.hidden = true;
    host.handoff();
  };
  person.addEventListener('click', () => void talkToPerson().catch(() => say(t('notSent'))));

  const chat = async (profile?: Record<string, string>) => {
    await ensureSession(profile);
    const greeting = texts.greeting || settings.greeting;
    if (greeting) log.prepend(el('div', 'msg out greeting', greeting));
    const suggestions = settings.suggestUrl ? articleSuggestions({ t, url: settings.suggestUrl, locale }) : undefined;
    const form = composer({
      t,
      api,
      settings,
      onText: (text) => suggestions?.typed(text),
      tools: composerTools,
      status: say,
      preview: (parts, clientMessageId) => {
        show({ direction: 'in', parts, clientMessageId }, false, 'pending');
        return (sent) => {
          const bubble = seen.get(`c:${clientMessageId}`);
          if (bubble) bubble.dataset.state = sent ? 'sent' : 'failed';
          drawReceipt();
        };
      },
    });
    person.hidden = false;
    panel.append(person, ...(suggestions ? [suggestions.element] : []), form);
    await resync(true);
    stopFeed = connectFeed(api, onFrame, () => void resync().catch(() => {}));
    if (open) focusFirst(panel);
  };

  const begin = async () => {
    // Nobody can answer now (no agent online, or outside the groups' business hours): leave a message.
    if ((!settings.online || !settings.open) && !saved.cursor) {
      await ensureSession();
      const form = questionsForm({
        t,
        intro: texts.offline || (settings.open ? t('offline') : t('closedHours')),
        questions: [
          { name: 'name', label: null, type: 'text', required: false },
          { name: 'email', label: null, type: 'email', required: true },
          { name: 'text', label: null, type: 'text', required: true },
        ],
        submit: t('send'),
        onDone: async (values) => {
          await api.postWithRetry('/offline', { clientMessageId: newId(), name: values.name, email: values.email, text: values.text });
          const thanks = el('p', 'form', t('thanks'));
          thanks.setAttribute('role', 'status');
          form.replaceWith(thanks);
        },
      });
      panel.insertBefore(form, status);
      log.remove();
      return;
    }
    // The pre-chat form, unless the site signed the visitor in or they have chatted before.
    if (settings.preChatMode !== 'off' && settings.preChatFields.length && !saved.profiled && !saved.token && !host.identity) {
      await new Promise<void>((resolve, reject) => {
        const proceed = () => {
          chat().then(() => {
            saved.profiled = true;
            save();
            form.remove();
            log.hidden = false;
            resolve();
          }, reject);
        };
        const form = questionsForm({
          t,
          intro: t('preChat'),
          questions: settings.preChatFields,
          submit: t('startChat'),
          onSkip:
            settings.preChatMode === 'optional'
              ? () => {
                  form.remove();
                  log.hidden = false;
                  proceed();
                }
              : undefined,
          onDone: async (values) => {
            // A refused answer (a wrong e-mail) stays on the form with the field named.
            await ensureSession(values);
            proceed();
          },
        });
        log.hidden = true;
        panel.insertBefore(form, log);
        if (open) focusFirst(panel);
      });
      return;
    }
    await chat();
  };
  const startOnce = () => {
    started ??= begin().catch((error: unknown) => {
      started = undefined;
      say(error instanceof Error ? error.message : t('unavailable'));
    });
    return started;
  };
  // A returning visitor's conversation is live even while the panel is closed (unread badge).
  if (saved.token) void startOnce();

  return {
    open() {
      open = true;
      panel.classList.add('open');
      focusFirst(panel);
      void startOnce().then(() => {
        if (open && !panel.contains(host.root.activeElement)) focusFirst(panel);
        receipts();
      });
    },
    close() {
      open = false;
      panel.classList.remove('open');
    },
    talkToPerson,
    destroy() {
      stopFeed?.();
      document.removeEventListener('visibilitychange', receipts);
      panel.remove();
      style.remove();
    },
  };
}

interface Citation {
  title: string;
  url: string;
}

/** The articles an answer of the bot's cites (its `bot.citations` part), web links only. */
function citationsOf(parts: readonly Part[]): Citation[] {
  const part = parts.find((p) => p.type === 'event' && p.name === 'bot.citations');
  const articles = (part?.data as { articles?: unknown } | undefined)?.articles;
  if (!Array.isArray(articles)) return [];
  return articles.flatMap((a: { title?: unknown; url?: unknown }) =>
    typeof a?.title === 'string' && typeof a.url === 'string' && /^https?:\/\//.test(a.url) ? [{ title: a.title, url: a.url }] : [],
  );
}

/** The answer's text without the "title: url" lines it carries for channels that show no citations. */
function withoutLinks(text: string, cited: readonly Citation[]): string {
  const lines = new Set(cited.map((c) => `${c.title}: ${c.url}`));
  return text
    .split('\n')
    .filter((line) => !lines.has(line.trim()))
    .join('\n')
    .trim();
}
