import { useState } from 'react';
import type { ConversationView } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { useFeedEvents } from '../realtime/feed.js';
import { previewLine } from './preview.js';

/**
 * Tells a screen reader about a customer's new message in a conversation other than the open
 * one ("New message from Wang Fang: where is my order?"); the open conversation's own messages
 * are announced by its message log.
 */
export function NewMessageAnnouncer({ conversations, openId }: { conversations: Record<string, ConversationView>; openId: string | undefined }) {
  const { t } = useI18n();
  const [said, setSaid] = useState('');
  useFeedEvents((event) => {
    if (event.kind !== 'message.created') return;
    const { conversation, message } = event.payload;
    if (message.direction !== 'in' || message.private || conversation.id === openId) return;
    const name = conversations[conversation.id]?.contact.name || t('inbox.anonymous');
    setSaid(t('inbox.newMessage', { name, preview: previewLine(message, t) }));
  });
  return (
    <p className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {said}
    </p>
  );
}
