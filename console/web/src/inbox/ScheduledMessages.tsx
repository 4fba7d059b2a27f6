import type { ScheduledMessage } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

/** The replies waiting to be sent later, each with when and a cancel. */
export function ScheduledMessages({ scheduled, onCancel }: { scheduled: ScheduledMessage[]; onCancel(id: string): void }) {
  const { t, language } = useI18n();
  if (scheduled.length === 0) return null;
  const when = (iso: string) => new Date(iso).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <ul className="scheduled-messages" aria-label={t('schedule.list')}>
      {scheduled.map((s) => (
        <li key={s.id}>
          <span aria-hidden="true">🕒 </span>
          <strong>{t('schedule.for', { time: when(s.sendAt) })}</strong> <span className="pre">{s.text}</span>{' '}
          <button type="button" className="link" onClick={() => onCancel(s.id)} aria-label={t('schedule.cancelNamed', { time: when(s.sendAt) })}>
            {t('schedule.cancel')}
          </button>
        </li>
      ))}
    </ul>
  );
}
