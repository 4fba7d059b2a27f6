import { useI18n } from '../i18n/i18n.js';
import { useFeed } from './feed.js';

/** Whether the inbox is live: a dot, and words for assistive technology and when it is not. */
export function FeedIndicator() {
  const { t } = useI18n();
  const { status } = useFeed();
  const label = t(`feed.${status}`);
  return (
    <span className={`feed-indicator ${status}`} role="status" aria-label={label} title={label}>
      <span className="dot" aria-hidden="true" />
      {status !== 'live' && <span className="feed-text">{label}</span>}
    </span>
  );
}
