import { useEffect, useState } from 'react';
import { useApi } from '../app/api-context.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import type { Params } from '../i18n/translate.js';
import { useFeedEvents } from '../realtime/feed.js';
import type { Answer, Schemas } from '../api/schema.js';

export type SatisfactionAnswer = Schemas['SurveyAnswer'];

/** The customer's answer to the survey as a sentence: "The customer rated 4 of 5: “Quick and kind”". */
export function satisfactionSentence(answer: Pick<SatisfactionAnswer, 'rating' | 'comment'>, t: (key: MessageKey, params?: Params) => string): string {
  const comment = answer.comment.trim();
  return comment ? t('survey.ratedWithComment', { rating: answer.rating, comment }) : t('survey.rated', { rating: answer.rating });
}

/** The customer's survey answer for the conversation, kept current by the live feed; undefined until there is one. */
export function useSatisfaction(conversationId: string): SatisfactionAnswer | undefined {
  const { client } = useApi();
  const [answer, setAnswer] = useState<SatisfactionAnswer>();
  const [asked, setAsked] = useState(0);
  useFeedEvents((event) => {
    if (event.kind === 'csat.answered' && event.payload.conversation.id === conversationId) setAsked((n) => n + 1);
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: asked asks for a reload
  useEffect(() => {
    let current = true;
    setAnswer(undefined);
    client.get<Answer<'/api/conversations/{id}/satisfaction', 'get'>>(`/conversations/${conversationId}/satisfaction`).then(
      (found) => current && setAnswer(found),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client, conversationId, asked]);
  return answer;
}

/** The customer's survey answer at the top of the conversation, when there is one (the comment as text). */
export function SatisfactionBadge({ answer }: { answer: SatisfactionAnswer | undefined }) {
  const { t } = useI18n();
  if (!answer) return null;
  return (
    <p className="satisfaction hint">
      <span aria-hidden="true">{'★'.repeat(answer.rating)} </span>
      {satisfactionSentence(answer, t)}
    </p>
  );
}
