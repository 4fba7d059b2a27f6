import type { AnyRoute } from '../console/server/api/route.js';
import type { Context } from '../core/context.js';
import type { JobRegistry } from '../core/jobs/runner.js';
import { ReportsConsumer } from './consumer.js';
import { reportRoutes as reportApi } from './routes/reports.js';

export { rebuildReports } from './rollup/refresh.js';

/** The reports' API: the reports, their settings (surveys on or off among them), the live monitor. */
export function reportRoutes(): AnyRoute[] {
  return reportApi();
}

/**
 * The reports' background work, run with the router role: the rollup consumer, and on the
 * process's job runner (`jobs`) its look at the marks for rows that came without an event.
 */
export async function startReports(ctx: Context, jobs: JobRegistry): Promise<{ name: string; stop(): Promise<void> }> {
  const consumer = new ReportsConsumer({ db: ctx.database.db, bus: ctx.bus, logger: ctx.logger });
  await consumer.start();
  jobs.every(consumer.incrementsTask());
  return {
    name: 'reports',
    async stop() {
      await consumer.stop();
    },
  };
}
