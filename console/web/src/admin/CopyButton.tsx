import { useState } from 'react';
import { useI18n } from '../i18n/i18n.js';

/**
 * Puts text on the clipboard. `navigator.clipboard` exists only in secure contexts (https,
 * localhost): a console opened over plain http at a LAN address or a name has none, so the
 * older copy command of a selected, off-screen field is the way there.
 */
export async function copyText(text: string, doc: Document = document): Promise<boolean> {
  const clipboard = doc.defaultView?.navigator.clipboard;
  if (clipboard?.writeText) {
    try {
      await clipboard.writeText(text);
      return true;
    } catch {
      /* refused: try the copy command */
    }
  }
  const field = doc.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.position = 'fixed';
  field.style.top = '-1000px';
  const focused = doc.activeElement as HTMLElement | null;
  doc.body.append(field);
  field.select();
  let copied = false;
  try {
    copied = doc.execCommand('copy');
  } catch {
    copied = false;
  }
  field.remove();
  focused?.focus();
  return copied;
}

/** Copies a value (a token, a webhook URL, a snippet) to the clipboard and says so. */
export function CopyButton({ text }: { text: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button type="button" className="secondary" onClick={() => void copyText(text).then((copied) => setState(copied ? 'copied' : 'failed'))}>
      {state === 'copied' ? t('admin.copied') : state === 'failed' ? t('admin.copyByHand') : t('admin.copy')}
    </button>
  );
}
