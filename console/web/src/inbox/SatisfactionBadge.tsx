import { useEffect, useState } from 'react';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { useFeedEvents } from '../realtime/feed.js';

interface Answer {
  rating: number;
  comment: string;
}

/** The customer's survey answer for the conversation, when there is one (the comment as text). */
export function SatisfactionBadge({ conversationId }: { conversationId: string }) {
  const { t } = useI18n();
  const { client } = useApi();
  const [answer, setAnswer] = useState<Answer>();
  const [asked, setAsked] = useState(0);
  useFeedEvents((event) => {
    if (event.kind === 'csat.answered' && event.payload.conversation.id === conversationId) setAsked((n) => n + 1);
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: asked asks for a reload
  useEffect(() => {
    let current = true;
    setAnswer(undefined);
    client.get<Answer>(`/conversations/${conversationId}/satisfaction`).then(
      (found) => current && setAnswer(found),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client, conversationId, asked]);
  if (!answer) return null;
  return (
    <p className="satisfaction hint" title={answer.comment || undefined}>
      {t('conversation.satisfaction', { rating: String(answer.rating) })} {'★'.repeat(answer.rating)}
      {answer.comment && <> · {answer.comment}</>}
    </p>
  );
}
