// Job runners in tests. A process has one (app/jobs.ts), built by the composition root and
// started once its modules registered on it; tests that start a module alone do the same here.
import { processJobRunner, type JobRunnerDeps } from '../../app/jobs.js';
import type { Db } from '../../core/db/database.js';
import { JobRunner, type JobRegistry, type JobRunnerOptions } from '../../core/jobs/runner.js';
import type { Logger } from '../../core/log/logger.js';
import { silentLogger } from './router-world.js';

/**
 * A runner of the test's own for handlers it registers, on a clock of the test's if it gives one:
 * the test calls `runDue(at)` (time moved, nothing waited for) or starts it.
 */
export function testJobRunner(db: Db, options: JobRunnerOptions & { logger?: Logger; poke?: () => void } = {}): JobRunner {
  const { logger = silentLogger, poke, ...runnerOptions } = options;
  return new JobRunner({ db, logger, poke }, runnerOptions);
}

/**
 * Starts a part the way a process does: `start` registers on the process's runner (the one
 * app/jobs.ts builds), which polls once it has returned. `stop()` stops the runner, then the part.
 */
export async function startWithJobs<P extends { stop(): Promise<void> }>(
  ctx: JobRunnerDeps,
  start: (jobs: JobRegistry) => Promise<P>,
): Promise<{ part: P; jobs: JobRunner; stop(): Promise<void> }> {
  const jobs = processJobRunner(ctx);
  const part = await start(jobs);
  jobs.start();
  return {
    part,
    jobs,
    async stop() {
      await jobs.stop();
      await part.stop();
    },
  };
}
