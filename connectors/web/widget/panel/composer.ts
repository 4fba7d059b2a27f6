import { newId, type Part, refusal, type WidgetApi, type WidgetSettings } from '../api.js';
import { button, el } from '../dom.js';
import type { Translate } from '../i18n.js';

/** What a composer tool (attach a file, record a voice message) may use. */
export interface ComposerContext {
  t: Translate;
  api: WidgetApi;
  settings: WidgetSettings;
  /** Says something in the panel's status line (announced to screen readers). */
  status(text: string): void;
  /** Stores a picked file (`POST /uploads`) and sends it as a message. */
  sendFile(file: Blob, name: string): Promise<void>;
  /** Sends what a tool stored itself (a voice recording), shown at once as `parts`. */
  deliver(payload: { attachmentIds: string[] }, parts: Part[]): Promise<void>;
}

/**
 * A control beside the text box, or nothing where it does not apply (the channel or the browser
 * cannot). The composer draws the tools it is given in order; a new kind of message (the voice
 * recorder) is one more tool in the list `mount.ts` passes.
 */
export type ComposerTool = (context: ComposerContext) => HTMLElement | undefined;

/** Attach a file: a labelled button that opens the browser's file picker. */
export const attachTool: ComposerTool = (context) => {
  const t = context.t;
  const wrap = el('span');
  const file = el('input');
  file.type = 'file';
  file.hidden = true;
  file.tabIndex = -1;
  const attach = button('btn secondary attach', '+', t('attach'));
  attach.addEventListener('click', () => file.click());
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    file.value = '';
    if (!chosen) return;
    if (chosen.size > context.settings.maxUploadBytes) {
      context.status(t('tooLarge'));
      return;
    }
    void context.sendFile(chosen, chosen.name);
  });
  wrap.append(file, attach);
  return wrap;
};

/**
 * The text box, the tools and Send. Enter sends, Shift+Enter starts a new line; the agent sees
 * the visitor typing (on after the first key, off 3 s after the last).
 */
export function composer(options: {
  t: Translate;
  api: WidgetApi;
  settings: WidgetSettings;
  tools: readonly ComposerTool[];
  status(text: string): void;
  /** Shows the visitor's message at once (pending) and answers a function that marks it sent. */
  preview(parts: Part[], clientMessageId: string): (sent: boolean) => void;
  /** Told the text box's text as the visitor types, and '' once it is sent. */
  onText?(text: string): void;
}): HTMLFormElement {
  const t = options.t;
  const api = options.api;
  const form = el('form', 'compose');
  const text = el('textarea');
  text.name = 'message';
  text.placeholder = t('placeholder');
  text.setAttribute('aria-label', t('messageLabel'));
  text.rows = 1;
  const send = el('button', 'btn', t('send'));
  send.type = 'submit';

  const deliver = async (payload: { text?: string; attachmentIds?: string[] }, parts: Part[]) => {
    const clientMessageId = newId();
    const done = options.preview(parts, clientMessageId);
    try {
      await api.postWithRetry('/messages', { clientMessageId, page: location.href, ...payload });
      done(true);
    } catch {
      done(false);
      options.status(t('notSent'));
    }
  };
  const sendFile = async (file: Blob, name: string) => {
    try {
      const stored = await api.call<{ id: string; name: string; mimeType: string }>(`/uploads?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        body: file,
      });
      const kind = stored.mimeType.startsWith('image/') ? 'image' : 'file';
      await deliver({ attachmentIds: [stored.id] }, [{ type: kind, attachmentId: stored.id, name: stored.name, mimeType: stored.mimeType }]);
    } catch (error) {
      const status = refusal(error)?.status;
      options.status(status === 413 ? t('tooLarge') : status === 415 ? t('fileType') : t('uploadFailed'));
    }
  };
  const context: ComposerContext = { t, api, settings: options.settings, status: options.status, sendFile, deliver };
  const tools = el('div', 'tools');
  for (const tool of options.tools) {
    const control = tool(context);
    if (control) tools.append(control);
  }

  let typing: ReturnType<typeof setTimeout> | undefined;
  text.addEventListener('input', () => {
    options.onText?.(text.value);
    if (!typing) void api.post('/typing', { on: true }).catch(() => {});
    clearTimeout(typing);
    typing = setTimeout(() => {
      typing = undefined;
      void api.post('/typing', { on: false }).catch(() => {});
    }, 3000);
  });
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = text.value.trim();
    if (!value) return;
    text.value = '';
    options.onText?.('');
    void deliver({ text: value }, [{ type: 'text', text: value }]);
  });
  form.append(text, tools, send);
  return form;
}
