import type { Hono } from 'hono';
import type { Context } from '../core/context.js';
import { ReportsConsumer } from './consumer.js';
import type { InboundFeature } from '../router/part.js';
import { surveyAnswers } from './csat/inbound-steps.js';
import { SurveySender } from './csat/sender.js';

import type { AnyRoute } from '../console/server/api/route.js';
import { reportRoutes as reportApi } from './routes/reports.js';
import { mountSurveyPages, surveyRoutes } from './routes/surveys.js';

export { rebuildReports } from './rollup/refresh.js';

/** The reports' API: the reports, their settings, the live monitor, a conversation's survey answer; and the surveys' signed-link API. */
export function reportRoutes(): AnyRoute[] {
  return [...reportApi(), ...surveyRoutes()];
}

/** The reports' say in the inbound pipeline: a reply that only rates answers its conversation's survey. */
export const reportsInbound: readonly InboundFeature[] = [surveyAnswers];

/** The reports' background work, run with the router role: the rollup consumer and the survey sender. */
export async function startReports(ctx: Context): Promise<{ name: string; stop(): Promise<void> }> {
  const consumer = new ReportsConsumer({ db: ctx.database.db, bus: ctx.bus, logger: ctx.logger });
  await consumer.start();
  const surveys = new SurveySender(ctx);
  await surveys.start();
  return {
    name: 'reports',
    async stop() {
      await surveys.stop();
      await consumer.stop();
    },
  };
}

/**
 * The survey page customers open from the link (and the web chat's rating card posts to), served
 * by the console role: its processes are the ones that answer the company's public address.
 */
export async function startSurveyPages(ctx: Context): Promise<{ name: string; mount(app: Hono): void; stop(): Promise<void> }> {
  return { name: 'survey-pages', mount: (app) => mountSurveyPages(app, ctx), stop: async () => {} };
}
