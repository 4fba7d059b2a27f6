import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** Ends the run with one plain line: `N passed, N failed` (and `, N skipped` when any were). */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skippedNames: string[] = [];
    for (const module of testModules) {
      let tests = 0;
      for (const test of module.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed' || insideFailedSuite(test)) failed++;
        else {
          skipped++;
          skippedNames.push(`${module.moduleId.replace(process.cwd() + '/', '')} > ${test.fullName}`);
        }
      }
      // A file that failed to load has no tests to count; it still failed.
      if (tests === 0 && module.state() === 'failed') failed++;
    }
    failed += unhandledErrors.length;
    const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    const note = skippedNames.length
      ? `\nSkipped (most need DATABASE_URL and AMQP_URL pointing at PostgreSQL and RabbitMQ):\n${skippedNames.map((n) => `  - ${n}`).join('\n')}\n`
      : '';
    setImmediate(() => process.stdout.write(`${note}\n${line}\n`));
  }
}

/** A test that never ran because its suite's hook failed counts as failed, not skipped. */
function insideFailedSuite(test: TestCase): boolean {
  for (let parent: TestCase['parent'] | undefined = test.parent; parent; parent = parent.type === 'suite' ? parent.parent : undefined) {
    if (parent.state() === 'failed') return true;
  }
  return false;
}
