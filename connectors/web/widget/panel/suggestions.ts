import { el } from '../dom.js';
import type { Translate } from '../i18n.js';

/** Up to three articles of the company's help center that match what the visitor is typing. */
export interface ArticleSuggestions {
  element: HTMLElement;
  /** The text box changed: look again after a short pause (nothing for fewer than two letters). */
  typed(text: string): void;
  clear(): void;
}

const PAUSE_MS = 300;

/**
 * Suggestions while the visitor types, from the help center's `suggest` address (published
 * articles only). Links open in a new tab; a failed lookup shows nothing. Only the answer to the
 * latest text is shown.
 */
export function articleSuggestions(options: { t: Translate; url: string; locale: string }): ArticleSuggestions {
  const box = el('div', 'suggestions');
  box.hidden = true;
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', options.t('suggested'));
  const lang = options.locale.startsWith('zh') ? 'zh' : 'en';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;

  const clear = () => {
    clearTimeout(timer);
    asked++;
    box.hidden = true;
    box.replaceChildren();
  };
  const look = async (text: string) => {
    const mine = ++asked;
    try {
      const answer = await fetch(`${options.url}?q=${encodeURIComponent(text)}&lang=${lang}`);
      if (!answer.ok) return;
      const body = (await answer.json()) as { articles?: { title: string; url: string }[] };
      const articles = body.articles ?? [];
      if (mine !== asked) return;
      const links = articles.slice(0, 3).map((article) => {
        const link = el('a', undefined, article.title);
        link.href = article.url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        return link;
      });
      box.replaceChildren(...(links.length ? [el('div', 'suggestions-title', options.t('suggested')), ...links] : []));
      box.hidden = links.length === 0;
    } catch {
      // Suggestions are a help, never an error: nothing is shown.
    }
  };
  return {
    element: box,
    typed(text) {
      const q = text.trim();
      clearTimeout(timer);
      if ([...q].length < 2) return clear();
      timer = setTimeout(() => void look(q), PAUSE_MS);
    },
    clear,
  };
}
