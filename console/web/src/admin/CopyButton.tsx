import { useState } from 'react';
import { useI18n } from '../i18n/i18n.js';

/** Copies a value (a token, a webhook URL, a snippet) to the clipboard and says so. */
export function CopyButton({ text }: { text: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      onClick={() =>
        void navigator.clipboard.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied ? t('admin.copied') : t('admin.copy')}
    </button>
  );
}
