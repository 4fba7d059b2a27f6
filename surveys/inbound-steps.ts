import { ratingOfReply, surveyAnsweredByReply } from '../core/domain/survey-reply.js';
import type { InboundFeature, InboundStep, ThreadClaim } from '../router/part.js';
import { conversationAwaitingRating, ratingOfCall, recordChannelRating } from './channel-answers.js';

/**
 * A reply that only rates the survey of a resolved conversation is its answer: stored in that
 * conversation, which stays resolved, instead of reopening it or starting a new one.
 */
export const surveyReplyClaim: ThreadClaim = {
  name: 'survey-answer',
  mayClaim: (envelope, channelType) => surveyAnsweredByReply(channelType) && ratingOfReply(envelope.message.parts) !== undefined,
  claim: (trx, envelope, contactId) => conversationAwaitingRating(trx, envelope, contactId),
};

/**
 * After store: the ratings the batch carries, in arrival order: the replies claimed as survey
 * answers, and the key a caller pressed after the call (`call.rated` on a phone channel).
 */
export const recordSurveyRatings: InboundStep = {
  name: 'survey-ratings',
  async run(batch) {
    for (const message of batch.threaded) {
      const parts = message.envelope.message.parts;
      const rating =
        message.claimedBy === surveyReplyClaim.name
          ? { value: ratingOfReply(parts), via: 'keyword' as const }
          : message.outcome === 'claimed'
            ? undefined
            : { value: ratingOfCall(batch.channelTypeOf(message.envelope), parts), via: 'dtmf' as const };
      if (rating?.value) await recordChannelRating(batch.trx, batch.events, message.conversation, rating.value, rating.via);
    }
  },
};

export const surveyAnswers: InboundFeature = {
  name: 'surveys',
  steps: [{ step: recordSurveyRatings, place: { after: 'store' } }],
  threadClaims: [surveyReplyClaim],
};
