import type { AnyRoute } from '../console/server/api/route.js';
import type { Context } from '../core/context.js';
import { ReportsConsumer } from './consumer.js';
import { reportRoutes as reportApi } from './routes/reports.js';

export { rebuildReports } from './rollup/refresh.js';

/** The reports' API: the reports, their settings (surveys on or off among them), the live monitor. */
export function reportRoutes(): AnyRoute[] {
  return reportApi();
}

/** The reports' background work, run with the router role: the rollup consumer. */
export async function startReports(ctx: Context): Promise<{ name: string; stop(): Promise<void> }> {
  const consumer = new ReportsConsumer({ db: ctx.database.db, bus: ctx.bus, logger: ctx.logger });
  await consumer.start();
  return {
    name: 'reports',
    async stop() {
      await consumer.stop();
    },
  };
}
