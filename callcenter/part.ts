import type { AnyRoute } from '../console/server/api/route.js';
import type { Context } from '../core/context.js';
import type { JobRegistry } from '../core/jobs/runner.js';
import { callbackReminder } from './callback-reminders.js';
import { callTaskRoutes } from './routes/call-tasks.js';
import { callWorkbenchRoutes } from './routes/call-workbench.js';
import { callbackPlanRoutes } from './routes/callback-plans.js';
import { type ConnectorDepsOf, voiceRoutes } from './routes/voice.js';

export { callCenterPorts } from './calls/port.js';
export { findVisibleCall, visibleCall } from './visible-call.js';
export type { ConnectorDepsOf } from './routes/voice.js';
export type { CallTaskAgentTable, CallTaskTable, CallTaskTargetTable } from './schema.js';

/**
 * The call center: calls and their steps (calls/: the phone menu, the queue, ringing agents, hold,
 * the survey, callbacks), which the phone connectors ask through the port the composition root
 * hands them (`callCenterPorts`), and the console API over the same records.
 *
 * The call center's console API: phone menus, agents' phones, calls and their recordings,
 * callback plans, outbound call tasks and the supervisor's workbench. `connectorDeps` reaches
 * the phone platforms (the voice connectors) for recordings, dialling and hold.
 */
export function callCenterRoutes(connectorDeps: ConnectorDepsOf): AnyRoute[] {
  return [...voiceRoutes(connectorDeps), ...callbackPlanRoutes(), ...callTaskRoutes(), ...callWorkbenchRoutes()];
}

/**
 * The call center's background work, run with the console role: on the process's job runner
 * (`jobs`), the reminder of an agent's planned callback when it comes due (the jobs are scheduled
 * by the plans' routes and by the call center when a waiting caller asks to be called back).
 */
export async function startCallCenter(_ctx: Context, jobs: JobRegistry): Promise<{ name: string; stop(): Promise<void> }> {
  jobs.register(callbackReminder);
  return { name: 'callcenter', stop: async () => {} };
}
