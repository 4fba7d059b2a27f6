import { useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { canAskForNotifications } from './notify.js';

/** Asks once, on the agent's click, whether new assignments may show desktop notifications. */
export function NotificationsButton() {
  const { t } = useI18n();
  const [askable, setAskable] = useState(canAskForNotifications);
  if (!askable) return null;
  return (
    <button
      type="button"
      className="link notifications-button"
      onClick={() => void Notification.requestPermission().finally(() => setAskable(canAskForNotifications()))}
    >
      {t('notify.enable')}
    </button>
  );
}
