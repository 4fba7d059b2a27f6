// The web chat's loader: `<script src="https://<switchboard>/widget/widget.js" data-key="pk_..."></script>`.
// On every page of the company's site it draws the launcher, its unread badge and the proactive
// greeting, and answers the page's `Switchboard(...)` calls; the panel (widget-panel.js) is
// fetched when the visitor opens the chat. Text is put on the page with textContent, never as HTML.
import { WidgetApi, type ChatMessage, type WidgetSettings } from './api.js';
import { el, matchesPage } from './dom.js';
import { type MountPanel, PANEL_READY, type PanelHandle, type Saved } from './host.js';
import { dictionaries, type Locale, pickLocale, supported, translator } from './i18n.js';
import { launcherStyles } from './styles.js';

const script = document.currentScript as HTMLScriptElement | null;
const key = script?.dataset.key;
if (script && key) void start(script, key);

/** A speech bubble drawn as SVG: no emoji font or icon font is needed on the visitor's device. */
function chatIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '26');
  svg.setAttribute('height', '26');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

/** A short soft tone, made by the browser: no sound file to fetch. Only after the visitor turned sound on. */
function beep(): void {
  try {
    const Audio = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Audio) return;
    const audio = new Audio();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.25);
    tone.onended = () => void audio.close();
  } catch {
    // A browser that refuses sound stays silent.
  }
}

type Command = [string, ...unknown[]];

async function start(tag: HTMLScriptElement, publicKey: string): Promise<void> {
  const origin = new URL(tag.src).origin;
  const api = new WidgetApi(`${origin}/widget/${publicKey}`);
  const storeKey = `switchboard.chat.${publicKey}`;
  const saved = JSON.parse(localStorage.getItem(storeKey) ?? '{}') as Saved;
  const save = () => localStorage.setItem(storeKey, JSON.stringify(saved));
  api.token = saved.token;

  // Calls the page made before this script ran (`Switchboard.q`), then the API itself.
  const page = window as unknown as { Switchboard?: ((...args: unknown[]) => unknown) & { q?: Command[] } };
  const early = page.Switchboard?.q ?? [];
  const waiting: Command[] = [];
  let run: ((command: Command) => void) | undefined;
  page.Switchboard = (...args: unknown[]) => (run ? run(args as Command) : waiting.push(args as Command));
  waiting.push(...early);

  const settings = await api.call<WidgetSettings>('/config');
  const chosen = tag.dataset.locale ? supported(tag.dataset.locale) : undefined;
  let locale: Locale = chosen ?? pickLocale(navigator.languages ?? [navigator.language], settings.locale);
  let t = translator(locale);
  const title = () => settings.texts[locale]?.title || (settings.title === dictionaries.en.title ? t('title') : settings.title);

  const host = el('div');
  host.id = 'switchboard-chat';
  document.body.appendChild(host);
  const root = host.attachShadow({ mode: 'open' });
  const style = el('style');
  style.textContent = launcherStyles(settings.color);
  const launcher = el('button', 'launcher');
  launcher.type = 'button';
  launcher.setAttribute('aria-haspopup', 'dialog');
  launcher.setAttribute('aria-expanded', 'false');
  const badge = el('span', 'badge');
  badge.setAttribute('aria-hidden', 'true');
  launcher.append(chatIcon(), badge);
  root.append(style, launcher);

  const drawLauncher = () => {
    const unread = saved.unread ?? 0;
    badge.hidden = unread === 0;
    badge.textContent = unread > 99 ? '99+' : String(unread);
    launcher.setAttribute('aria-label', unread ? `${title()}, ${t('unread', { n: unread })}` : title());
    host.lang = locale;
  };
  drawLauncher();

  const identity =
    tag.dataset.userId && tag.dataset.userHash
      ? { userId: tag.dataset.userId, hash: tag.dataset.userHash, email: tag.dataset.userEmail, name: tag.dataset.userName }
      : undefined;

  let open = false;
  let panel: PanelHandle | undefined;
  let loading: Promise<MountPanel> | undefined;
  const loadPanel = () => {
    loading ??= new Promise<MountPanel>((resolve, reject) => {
      (window as unknown as Record<string, unknown>)[PANEL_READY] = resolve;
      const code = el('script');
      code.src = `${origin}/widget/widget-panel.js`;
      code.async = true;
      code.onerror = () => {
        loading = undefined;
        reject(new Error(t('unavailable')));
      };
      document.head.appendChild(code);
    });
    return loading;
  };
  const mount = async () => {
    const mountPanel = await loadPanel();
    panel ??= mountPanel({
      root,
      api,
      origin,
      settings,
      locale,
      t,
      saved,
      save,
      identity,
      close: () => setOpen(false, true),
      incoming: (message: ChatMessage) => {
        if (open && document.visibilityState === 'visible') return;
        saved.unread = (saved.unread ?? 0) + 1;
        save();
        drawLauncher();
        if (saved.sound && message.direction === 'out') beep();
      },
      handoff: () => window.dispatchEvent(new CustomEvent('switchboard:handoff', { detail: { channel: publicKey } })),
    });
    return panel;
  };

  const setOpen = (next: boolean, restoreFocus = false) => {
    open = next;
    saved.open = next;
    if (next) {
      nudge?.remove();
      saved.unread = 0;
    }
    save();
    drawLauncher();
    launcher.setAttribute('aria-expanded', String(next));
    if (next)
      void mount().then(
        (p) => p.open(),
        () => launcher.setAttribute('aria-label', `${title()}: ${t('unavailable')}`),
      );
    else {
      panel?.close();
      if (restoreFocus) launcher.focus();
    }
  };
  launcher.addEventListener('click', () => setOpen(!open, true));

  // A proactive greeting: after N seconds on a page whose address matches, once per visit.
  let nudge: HTMLElement | undefined;
  const greeting = settings.proactive.find((rule) => matchesPage(rule.urlPattern, location.href));
  const nudgeKey = `${storeKey}.nudged`;
  if (greeting && !saved.token && !sessionStorage.getItem(nudgeKey)) {
    setTimeout(() => {
      const text = greeting.text[locale] ?? greeting.text.en ?? Object.values(greeting.text)[0];
      if (open || !text) return;
      sessionStorage.setItem(nudgeKey, '1');
      nudge = el('div', 'nudge');
      nudge.setAttribute('role', 'status');
      const say = el('button', 'open-chat', text);
      say.type = 'button';
      say.addEventListener('click', () => setOpen(true));
      const dismiss = el('button', 'dismiss', '×');
      dismiss.type = 'button';
      dismiss.setAttribute('aria-label', t('dismiss'));
      dismiss.addEventListener('click', () => nudge?.remove());
      nudge.append(say, dismiss);
      root.append(nudge);
    }, greeting.afterSeconds * 1000);
  }

  run = (command) => {
    const name = command[0];
    const args = command.slice(1);
    if (name === 'open') setOpen(true);
    else if (name === 'close') setOpen(false);
    else if (name === 'toggle') setOpen(!open);
    else if (name === 'talkToPerson')
      void mount().then((p) => {
        setOpen(true);
        return p.talkToPerson();
      });
    else if (name === 'locale') {
      const next = supported(String(args[0] ?? ''));
      if (!next || next === locale) return;
      locale = next;
      t = translator(locale);
      drawLauncher();
      // The panel is drawn again in the new language.
      if (panel) {
        panel.destroy();
        panel = undefined;
        if (open) void mount().then((p) => p.open());
      }
    }
  };
  for (const command of waiting.splice(0)) run(command);

  // A visitor who chatted before: the panel comes back as it was (open, or closed counting replies).
  if (saved.token) {
    if (saved.open) setOpen(true);
    else void mount().catch(() => {});
  }
}
