import { Link } from 'wouter';
import { useI18n } from '../i18n/i18n.js';
import { ChannelIcon } from '../inbox/ChannelIcon.js';
import { formatTime } from '../inbox/time.js';
import type { TimelineItem } from './api.js';

/** The customer's history across channels, newest first. Customer text is rendered as text only. */
export function Timeline({ items }: { items: TimelineItem[] | undefined }) {
  const { t, language } = useI18n();
  return (
    <section className="section timeline" aria-label={t('crm.timeline')}>
      <h2>{t('crm.timeline')}</h2>
      {items && items.length === 0 && <p className="hint">{t('crm.emptyTimeline')}</p>}
      <ol className="timeline-list">
        {(items ?? []).map((item) => (
          <li key={`${item.kind}:${item.id}`} className={`timeline-${item.kind}`}>
            <small className="hint">
              {formatTime(item.at, language)} · {t(`crm.kind.${item.kind}`)}
            </small>{' '}
            <Entry item={item} />
          </li>
        ))}
      </ol>
    </section>
  );
}

function Entry({ item }: { item: TimelineItem }) {
  const { t } = useI18n();
  const d = item.detail;
  switch (item.kind) {
    case 'conversation':
      return (
        <Link href={`/conversations/${item.id}`}>
          <ChannelIcon type={String(d.channelType)} name={String(d.channelName ?? d.channelType)} /> {item.title || t('crm.noText')} ·{' '}
          {t(`status.${String(d.status)}` as 'status.open')}
        </Link>
      );
    case 'call':
      return (
        <span>
          {item.title} {d.talkSeconds ? `· ${String(d.talkSeconds)}s` : ''}
        </span>
      );
    case 'note':
      return (
        <span>
          {item.title} {d.authorName ? <small className="hint">— {String(d.authorName)}</small> : null}
        </span>
      );
    case 'merge':
      return <span>{t(d.undoneAt ? 'crm.mergeUndone' : 'crm.mergedFrom', { name: item.title || String(d.sourceId).slice(0, 8) })}</span>;
    default:
      return <span>{item.title}</span>;
  }
}
