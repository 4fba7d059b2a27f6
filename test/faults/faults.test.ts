// A reduced run of `npm run faults` (test/faults/run.ts): one stream of FAULTS_TEST_MESSAGES
// (default 1,000) messages through the app API, every webhook sent two or three times, a router
// killed with SIGKILL and started again, and the console holding the admin's socket killed and
// started again — then the audit must find nothing lost, duplicated, double-assigned, over
// capacity or out of order. The faults that restart RabbitMQ or PostgreSQL themselves are not
// run here: those services are shared.
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_ZERO, mustBeZero, reducedFaults, runScenario } from './lib/faults.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, freshDatabase } from '../support/services.js';

const MESSAGES = Number(process.env.FAULTS_TEST_MESSAGES ?? 1000);
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

describe('faults, reduced', () => {
  it.skipIf(!DATABASE_URL || !AMQP_URL)(
    'loses, duplicates and reorders nothing while webhooks repeat, a router and a console are killed mid-stream',
    { timeout: 240_000 },
    async () => {
      const handle = await freshDatabase('pg');
      cleanups.push(() => handle.drop());
      const audit = await runScenario({
        name: 'reduced',
        databaseUrl: handle.url!,
        amqpUrl: AMQP_URL!,
        namespace: BUS_NAMESPACE,
        ...reducedFaults(MESSAGES),
      });
      expect(audit.faults).toHaveLength(2);
      expect(audit.unaccepted).toBe(0);
      expect(audit.accepted).toBe(MESSAGES);
      expect(mustBeZero(audit)).toEqual(ALL_ZERO);
      expect(audit.stored).toBe(audit.accepted);
    },
  );
});
