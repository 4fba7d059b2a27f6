import { type PreChatQuestion, refusal } from '../api.js';
import { button, el } from '../dom.js';
import type { Translate } from '../i18n.js';

let nextId = 0;

/**
 * A form of labelled questions (the pre-chat form, leave-a-message). A 400 that names a field
 * (`profile.email`) marks that field invalid and says why beside it.
 */
export function questionsForm(options: {
  t: Translate;
  intro: string;
  questions: readonly PreChatQuestion[];
  submit: string;
  onSkip?: () => void;
  onDone(values: Record<string, string>): Promise<void>;
}): HTMLFormElement {
  const t = options.t;
  const form = el('form', 'form');
  form.noValidate = false;
  const intro = el('p', '', options.intro);
  intro.id = `sb-intro-${++nextId}`;
  form.setAttribute('aria-labelledby', intro.id);
  form.append(intro);
  const inputs = options.questions.map((question) => {
    const label = el(
      'label',
      '',
      question.label ??
        (`field.${question.name}` in { 'field.name': 1, 'field.email': 1, 'field.phone': 1, 'field.text': 1 }
          ? t(`field.${question.name}` as 'field.name')
          : question.name),
    );
    let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    if (question.type === 'select') {
      const select = el('select');
      select.append(el('option', '', t('choose')));
      (select.firstChild as HTMLOptionElement).value = '';
      for (const option of question.options ?? []) {
        const item = el('option', '', option);
        item.value = option;
        select.append(item);
      }
      input = select;
    } else if (question.name === 'text') {
      input = el('textarea');
      input.rows = 4;
    } else {
      const field = el('input');
      field.type = question.type;
      field.autocomplete = question.name === 'name' ? 'name' : question.name === 'email' ? 'email' : question.name === 'phone' ? 'tel' : 'off';
      input = field;
    }
    input.name = question.name;
    input.required = question.required;
    label.append(input);
    form.append(label);
    return input;
  });
  const error = el('div', 'error');
  error.setAttribute('role', 'alert');
  const actions = el('div', 'actions');
  const submit = el('button', 'btn', options.submit);
  submit.type = 'submit';
  actions.append(submit);
  if (options.onSkip) {
    const skip = button('btn secondary', t('skip'));
    skip.addEventListener('click', options.onSkip);
    actions.append(skip);
  }
  form.append(error, actions);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values: Record<string, string> = {};
    for (const input of inputs) {
      input.removeAttribute('aria-invalid');
      if (input.value.trim()) values[input.name] = input.value.trim();
    }
    error.textContent = '';
    submit.disabled = true;
    options
      .onDone(values)
      .catch((caught: unknown) => {
        const issues = refusal(caught)?.issues ?? [];
        for (const issue of issues) {
          const input = inputs.find((i) => `profile.${i.name}` === issue.field || i.name === issue.field);
          input?.setAttribute('aria-invalid', 'true');
        }
        const named = issues.map((issue) => inputs.find((i) => `profile.${i.name}` === issue.field || i.name === issue.field)).filter(Boolean);
        // In the visitor's language: which field, not the server's English.
        error.textContent = named.length
          ? named.map((input) => t('invalid', { field: input!.parentElement?.firstChild?.textContent ?? input!.name })).join(' ')
          : t('unavailable');
        (named[0] ?? inputs[0])?.focus();
      })
      .finally(() => (submit.disabled = false));
  });
  return form;
}
