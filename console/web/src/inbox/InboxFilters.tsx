import { useEffect, useState } from 'react';
import type { ConversationView } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import type { Filters, StatusFilter } from './tabs.js';

/** Status, channel and text filters over every tab. The text search waits for a pause in typing. */
export function InboxFilters({ filters, onChange, channels }: { filters: Filters; onChange(filters: Filters): void; channels: ConversationView['channel'][] }) {
  const { t } = useI18n();
  const [text, setText] = useState(filters.q ?? '');
  useEffect(() => {
    const timer = setTimeout(() => {
      if ((filters.q ?? '') !== text.trim()) onChange({ ...filters, q: text.trim() || undefined });
    }, 300);
    return () => clearTimeout(timer);
  }, [text, filters, onChange]);
  return (
    <div className="filters">
      <input type="search" aria-label={t('filter.search')} placeholder={t('filter.search')} value={text} onChange={(event) => setText(event.target.value)} />
      <select aria-label={t('filter.status')} value={filters.status} onChange={(event) => onChange({ ...filters, status: event.target.value as StatusFilter })}>
        <option value="open">{t('filter.open')}</option>
        <option value="resolved">{t('filter.resolved')}</option>
      </select>
      <select
        aria-label={t('filter.channel')}
        value={filters.channelId ?? ''}
        onChange={(event) => onChange({ ...filters, channelId: event.target.value || undefined })}
      >
        <option value="">{t('filter.allChannels')}</option>
        {channels.map((channel) => (
          <option key={channel.id} value={channel.id}>
            {channel.name}
          </option>
        ))}
      </select>
    </div>
  );
}
