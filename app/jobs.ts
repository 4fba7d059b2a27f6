import type { DatabaseHandle } from '../core/db/database.js';
import { JobRunner } from '../core/jobs/runner.js';
import type { Logger } from '../core/log/logger.js';

/** What the runner needs of a process: its database, its log, and the outbox relay to poke after a job wrote events. */
export interface JobRunnerDeps {
  database: Pick<DatabaseHandle, 'db'>;
  logger: Logger;
  relay: { poke(): void };
}

/**
 * The one poller of the `jobs` table in a process. The root builds it before the modules start,
 * hands it to each (`Assembled.jobs`: they register the handlers of their job kinds and their
 * periodic tasks), starts it once all of them have started and stops it before they stop, so a
 * handler never runs against a module that is not up. A process takes only the kinds its roles'
 * modules registered; a kind no process handles waits in the table. Due means due by the
 * database's clock (the one `now()` in a scheduling statement used), the same for every process.
 * It polls every half second, as the router's timers need (a no-answer timer of a few seconds).
 */
export function processJobRunner(ctx: JobRunnerDeps): JobRunner {
  return new JobRunner({ db: ctx.database.db, logger: ctx.logger, poke: () => ctx.relay.poke() }, { pollMs: 500, maxPerPass: 500 });
}
