import type { AnyRoute } from '../console/server/api/route.js';
import type { Context } from '../core/context.js';
import { JobRunner } from '../core/jobs/runner.js';
import { callbackReminder } from './callback-reminders.js';
import { callTaskRoutes } from './routes/call-tasks.js';
import { callWorkbenchRoutes } from './routes/call-workbench.js';
import { callbackPlanRoutes } from './routes/callback-plans.js';
import { type ConnectorDepsOf, voiceRoutes } from './routes/voice.js';

export { findVisibleCall, visibleCall } from './visible-call.js';
export type { ConnectorDepsOf } from './routes/voice.js';
export type { CallTaskAgentTable, CallTaskTable, CallTaskTargetTable } from './schema.js';

/**
 * The call center's console API: phone menus, agents' phones, calls and their recordings,
 * callback plans, outbound call tasks and the supervisor's workbench. `connectorDeps` reaches
 * the phone platforms (the voice connector) for recordings, dialling and hold.
 */
export function callCenterRoutes(connectorDeps: ConnectorDepsOf): AnyRoute[] {
  return [...voiceRoutes(connectorDeps), ...callbackPlanRoutes(), ...callTaskRoutes(), ...callWorkbenchRoutes()];
}

/**
 * The call center's background work, run with the console role: its job runner, which reminds an
 * agent of a planned callback when it comes due (the jobs are scheduled by the plans' routes and
 * by the voice connector when a waiting caller asks to be called back).
 */
export async function startCallCenter(ctx: Context): Promise<{ name: string; stop(): Promise<void> }> {
  const jobs = new JobRunner(
    { db: ctx.database.db, logger: ctx.logger, poke: () => ctx.relay.poke() },
    { pollMs: 1000, maxPerPass: 500, clock: () => new Date() },
  );
  jobs.register(callbackReminder);
  jobs.start();
  return {
    name: 'callcenter',
    async stop() {
      await jobs.stop();
    },
  };
}
