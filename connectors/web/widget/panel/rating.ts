import { button, el } from '../dom.js';
import type { Translate } from '../i18n.js';

/**
 * The satisfaction survey as a card: five stars (toggle buttons) and an optional comment, sent
 * together to the survey's signed link on the origin the widget came from.
 */
export function ratingCard(t: Translate, origin: string, url: string): HTMLElement {
  const card = el('div', 'survey');
  const question = el('div', '', t('rate'));
  const stars = el('div', 'stars');
  stars.setAttribute('role', 'group');
  stars.setAttribute('aria-label', t('rate'));
  const form = el('form');
  form.hidden = true;
  const label = el('label', '', t('comment'));
  const comment = el('textarea');
  comment.maxLength = 2000;
  comment.name = 'comment';
  label.append(comment);
  const send = el('button', 'btn', t('rateSend'));
  send.type = 'submit';
  form.append(label, send);
  let rating = 0;
  const buttons: HTMLButtonElement[] = [];
  for (let n = 1; n <= 5; n++) {
    const star = button('star', '★', t('star', { n }));
    star.setAttribute('aria-pressed', 'false');
    star.addEventListener('click', () => {
      rating = n;
      for (let i = 0; i < buttons.length; i++) buttons[i]!.setAttribute('aria-pressed', String(i < n));
      form.hidden = false;
    });
    buttons.push(star);
    stars.append(star);
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!rating) return;
    const body = new URLSearchParams({ rating: String(rating), via: 'widget' });
    if (comment.value.trim()) body.set('comment', comment.value.trim());
    // Posted to the survey page's path on the origin the widget came from (where its API is).
    void fetch(`${origin}${new URL(url).pathname}`, { method: 'POST', body, mode: 'no-cors' }).catch(() => {});
    const thanks = el('div', '', `${'★'.repeat(rating)} ${t('rateThanks')}`);
    thanks.setAttribute('role', 'status');
    thanks.tabIndex = -1;
    card.replaceChildren(thanks);
    thanks.focus();
  });
  card.append(question, stars, form);
  return card;
}
