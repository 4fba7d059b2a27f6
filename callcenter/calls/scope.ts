import type { CallCenterSettings } from '../../core/connector/call-center-settings.js';
import type { Instruction } from '../../core/connector/call-center-port.js';
import type { Db } from '../../core/db/database.js';
import type { Call } from '../../core/db/schema.js';
import type { CallSignal } from '../../core/domain/call-signals.js';
import type { Logger } from '../../core/log/logger.js';

/**
 * One channel's call center: what every step of a call is given (port.ts binds it). The logic is
 * the same for every platform: a call arrives, the caller walks the phone menu, waits in a queue,
 * an agent's phone rings, they talk, the call ends. Each step locks the call's row, so two
 * webhooks or events about one call never interleave, and a replayed provider event finds the
 * step already taken.
 */
export interface CallScope {
  db: Db;
  channel: { id: string; tenantId: string };
  /** The channel's call-center settings. */
  config: CallCenterSettings;
  logger: Logger;
}

/** What a step decided, on the call's row: the port shows the connector its view of the call. */
export interface Outcome {
  call: Call | undefined;
  instructions: Instruction[];
  signals: CallSignal[];
}

export const nothing = (call?: Call): Outcome => ({ call, instructions: [], signals: [] });
