import type { Context } from '../core/context.js';
import { ReportsConsumer } from './consumer.js';
import type { InboundFeature } from '../router/part.js';
import { surveyAnswers } from './csat/inbound-steps.js';
import { SurveySender } from './csat/sender.js';

export { rebuildReports } from './rollup/refresh.js';

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
