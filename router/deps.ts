import type { DatabaseHandle } from '../core/db/database.js';
import type { Logger } from '../core/log/logger.js';

/**
 * What the router's functions need from a running process. The `Context` of core/context.ts has
 * it all; tests may pass a narrower object.
 */
export interface RouterDeps {
  database: Pick<DatabaseHandle, 'db'>;
  /** Asked for a pass right after a commit that wrote events. */
  relay: { poke(): void };
  logger: Logger;
  /** Where routing times go (the process's /metrics); absent in narrow test setups. */
  metrics?: { routingDecision: { observe(seconds: number): void } };
}
