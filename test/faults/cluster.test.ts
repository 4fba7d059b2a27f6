// A reduced run of `npm run faults -- --cluster`: a private three-node RabbitMQ cluster and a
// PostgreSQL primary with a synchronous standby, two gateways, two routers and a console; one
// stream of FAULTS_CLUSTER_TEST_MESSAGES (default 1,500) messages in which the node leading the
// inbound quorum queues is SIGKILLed (and started again 5 s later), then the PostgreSQL primary
// is SIGKILLed and the standby promoted. Nothing accepted may be lost, duplicated, assigned twice,
// put over capacity or reordered, and traffic must resume by itself.
//
// It needs rabbitmq-server and pg_createcluster (Debian's postgresql-common) and root, as the
// fault runs do; without them it is skipped.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createClusterDatabase, startClusterServices, type ClusterServices } from './lib/cluster.js';
import { ALL_ZERO, mustBeZero, runScenario } from './lib/faults.js';

const MESSAGES = Number(process.env.FAULTS_CLUSTER_TEST_MESSAGES ?? 1500);
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const missing = ['rabbitmq-server', 'pg_createcluster', 'pg_basebackup', 'runuser'].filter((c) => !has(c) && !has(`/usr/lib/postgresql/15/bin/${c}`));
const root = process.getuid?.() === 0;
const reason = missing.length ? `missing ${missing.join(', ')}` : !root ? 'creating PostgreSQL clusters needs root' : undefined;
if (reason) process.stderr.write(`cluster faults skipped: ${reason}\n`);

let services: ClusterServices | undefined;
afterAll(async () => {
  await services?.teardown();
}, 120_000);

describe('faults on a cluster, reduced', () => {
  it.skipIf(Boolean(reason))(
    'loses, duplicates and reorders nothing while the broker leader node and the database primary are killed mid-stream',
    { timeout: 300_000 },
    async () => {
      const namespace = `faults_${randomBytes(4).toString('hex')}`;
      const log = (line: string) => process.stderr.write(`cluster faults ${new Date().toISOString().slice(11, 23)}: ${line}\n`);
      services = await startClusterServices(namespace, log);
      const databaseUrl = await createClusterDatabase(services, `sb_faults_${randomBytes(4).toString('hex')}`);
      const audit = await runScenario({
        name: 'cluster-reduced',
        databaseUrl,
        amqpUrl: services.amqpUrl,
        queueType: services.queueType,
        gateways: services.gateways,
        env: services.env,
        actions: services.actions,
        namespace,
        messages: MESSAGES,
        customers: Math.max(20, Math.round(MESSAGES / 10)),
        agents: 10,
        inFlight: 48,
        faults: [
          { at: 0.3, kind: 'kill-broker-leader' },
          { at: 0.6, kind: 'failover-database' },
        ],
        settleMs: 60_000,
        log,
      });
      process.stderr.write(`${JSON.stringify(audit)}\n`);
      expect(audit.faults).toHaveLength(2);
      expect(audit.unaccepted).toBe(0);
      expect(audit.accepted).toBe(MESSAGES);
      expect(mustBeZero(audit)).toEqual(ALL_ZERO);
      expect(audit.stored).toBe(audit.accepted);
      // Traffic resumed by itself: within 5 s of the broker node's kill, 10 s of the primary's.
      const [broker, database] = audit.recovery_s!;
      expect(broker).toBeGreaterThanOrEqual(0);
      expect(broker).toBeLessThan(5);
      expect(database).toBeGreaterThanOrEqual(0);
      expect(database).toBeLessThan(10);
    },
  );
});
