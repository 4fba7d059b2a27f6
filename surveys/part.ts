import type { Hono } from 'hono';
import type { Context } from '../core/context.js';
import type { InboundFeature } from '../router/part.js';
import { surveyAnswers } from './inbound-steps.js';
import { mountSurveyPages } from './routes.js';
import { SurveySender } from './sender.js';

export { surveyRoutes } from './routes.js';
/** The answers' table types, for tests that lay down answers as fixtures. */
export type { SurveyTables } from './schema.js';
/** What the reports read of the answers: they count them, never write them. */
export { answerExtent, answersByConversation, answersGiven, latestComments, ratingCounts, type AnswerFilter } from './answers-read.js';

/** The surveys' say in the inbound pipeline: a reply that only rates answers its conversation's survey. */
export const surveysInbound: readonly InboundFeature[] = [surveyAnswers];

/** The surveys' background work, run with the router role: the sender of a survey when a conversation is resolved. */
export async function startSurveys(ctx: Context): Promise<{ name: string; stop(): Promise<void> }> {
  const sender = new SurveySender(ctx);
  await sender.start();
  return { name: 'surveys', stop: () => sender.stop() };
}

/**
 * The survey page customers open from the link (and the web chat's rating card posts to), served
 * by the console role: its processes are the ones that answer the company's public address.
 */
export async function startSurveyPages(ctx: Context): Promise<{ name: string; mount(app: Hono): void; stop(): Promise<void> }> {
  return { name: 'survey-pages', mount: (app) => mountSurveyPages(app, ctx), stop: async () => {} };
}
