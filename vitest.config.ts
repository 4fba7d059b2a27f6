import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['app/**/*.test.ts', 'packages/**/*.test.ts', 'examples/**/*.test.ts', 'core/**/*.test.ts', 'connectors/**/*.test.ts', 'router/**/*.test.ts', 'console/**/*.test.ts', 'test/**/*.test.ts', 'reports/**/*.test.ts', 'webhooks/**/*.test.ts', 'tickets/**/*.test.ts', 'callcenter/**/*.test.ts', 'crm/**/*.test.ts', 'surveys/**/*.test.ts', 'knowledge/**/*.test.ts', 'assistant/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/bench/**'],
    pool: 'forks',
    fileParallelism: true,
    // Two files at a time even on two cores: most of a test's time is spent waiting on PostgreSQL,
    // RabbitMQ, a browser or a child process, not on its own CPU (the default takes one less
    // than the cores, which is one file at a time there).
    maxWorkers: 2,
    // Test runs create and drop many queues; RabbitMQ's quorum queues are not made for that churn.
    // The bus contract suite runs on quorum queues explicitly.
    env: { BUS_QUEUE_TYPE: process.env.BUS_QUEUE_TYPE ?? 'classic' },
    // Generous: a loaded machine slows start-ups; a hang still fails.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
