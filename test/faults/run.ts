// `npm run faults`: each scenario streams FAULTS_MESSAGES (default 20,000) messages through the
// app API while something breaks, then audits the database and prints one JSON line. Exits 1 if
// any of lost, duplicates, double_assigned, over_capacity, order_violations is not 0.
//
// Scenarios (`npm run faults -- kill-router duplicates` runs some):
//   kill-router       SIGKILL one of two router processes mid-stream (three times), start it again
//   duplicates        every webhook sent two or three times, some copies at the same moment
//   kill-console      SIGKILL the console process holding the admin's socket, start it again
//   reduced           what CI runs (test/faults/faults.test.ts): duplicates, a router and the
//                     console killed, in one stream (FAULTS_MESSAGES, default 2,000 for this one)
//   restart-broker    `rabbitmqctl stop_app` / `start_app` mid-stream, on a private RabbitMQ node
//                     the run starts on a spare loopback port (quorum queues, as in production)
//   restart-database  `pg_ctlcluster 15 <name> restart` mid-stream, on a private PostgreSQL
//                     cluster the run creates on a spare loopback port
//
// `npm run faults -- --cluster` runs these instead, each on a private three-node RabbitMQ
// cluster (quorum queues on all three) and a PostgreSQL primary with a synchronous standby, with
// two gateways, two routers and a console:
//   cluster-broker    SIGKILL the node leading the inbound quorum queues, start it again 5 s later
//   cluster-database  SIGKILL the PostgreSQL primary (postmaster and children), promote the standby
//   cluster-both      the first at 30% of the stream, the second at 60%
// Their JSON adds, per kill, recovery_s (seconds until messages are committed again) and
// accepted_after_kill_stored_s (until the first message accepted after the kill is committed),
// and p99_ms of the accepted requests before the first kill and after recovery.
// The machine's own RabbitMQ and PostgreSQL are shared and never stopped: the private node and
// cluster (test/faults/lib/private-services.ts) are torn down at the end, on Ctrl-C or a failure
// too. FAULTS_BROKER_STOP / FAULTS_BROKER_START / FAULTS_DATABASE_RESTART (shell commands) make
// those two scenarios break the services of DATABASE_URL / AMQP_URL instead — on a machine of
// your own only.
//
// Env: DATABASE_URL (a fresh database per scenario is created beside it), AMQP_URL,
// FAULTS_MESSAGES, FAULTS_CUSTOMERS (default messages / 10), FAULTS_AGENTS (10),
// FAULTS_IN_FLIGHT (64), BUS_QUEUE_TYPE (classic unless set).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPgDatabase } from '../../core/db/pg/pg-database.js';
import { migrateUp } from '../../core/db/migrate.js';
import { allMigrations } from '../../app/migrations.js';
import { MUST_BE_ZERO, reducedFaults, runCommand, runScenario, type FaultKind, type ScenarioOptions } from './lib/faults.js';
import { startClusterServices } from './lib/cluster.js';
import { startPrivatePostgres, startPrivateRabbit } from './lib/private-services.js';

if (!process.env.DATABASE_URL || !process.env.AMQP_URL) {
  process.stderr.write('faults: set DATABASE_URL (a PostgreSQL server) and AMQP_URL (RabbitMQ)\n');
  process.exit(2);
}
const DATABASE_URL: string = process.env.DATABASE_URL;
const AMQP_URL: string = process.env.AMQP_URL;
const MESSAGES = Number(process.env.FAULTS_MESSAGES ?? 20_000);
const log = (line: string) => process.stderr.write(`faults ${new Date().toISOString().slice(11, 23)}: ${line}\n`);
const commands = {
  stopBroker: process.env.FAULTS_BROKER_STOP,
  startBroker: process.env.FAULTS_BROKER_START,
  restartDatabase: process.env.FAULTS_DATABASE_RESTART,
};
const spread = (kind: FaultKind, times: number) => Array.from({ length: times }, (_, i) => ({ at: (i + 1) / (times + 1), kind }));
/** Where a scenario runs: the shared services, or private ones it started (and tears down). */
interface Services {
  databaseUrl: string;
  /** The URL processes get for database `name` (several hosts on a cluster); databaseUrl's host otherwise. */
  databaseUrlFor?: (name: string) => string;
  amqpUrl: string;
  gateways?: number;
  env?: Record<string, string>;
  queueType?: 'quorum' | 'classic';
  actions?: ScenarioOptions['actions'];
  teardown(): Promise<void>;
}
const shared = async (): Promise<Services> => ({ databaseUrl: DATABASE_URL, amqpUrl: AMQP_URL, teardown: async () => {} });
const suffix = () => randomBytes(3).toString('hex');
async function privateBroker(): Promise<Services> {
  if (commands.stopBroker && commands.startBroker) {
    const { stopBroker, startBroker } = commands;
    return { ...(await shared()), actions: { stopBroker: () => runCommand(stopBroker), startBroker: () => runCommand(startBroker) } };
  }
  const rabbit = await startPrivateRabbit({ name: `sbfaults${suffix()}`, log });
  return {
    databaseUrl: DATABASE_URL,
    amqpUrl: rabbit.url,
    queueType: 'quorum',
    actions: { stopBroker: rabbit.stopApp, startBroker: rabbit.startApp },
    teardown: rabbit.teardown,
  };
}
async function privateDatabase(): Promise<Services> {
  if (commands.restartDatabase) {
    const { restartDatabase } = commands;
    return { ...(await shared()), actions: { restartDatabase: () => runCommand(restartDatabase) } };
  }
  const postgres = await startPrivatePostgres({ name: `sbfaults_${suffix()}`, log });
  return { databaseUrl: postgres.url, amqpUrl: AMQP_URL, actions: { restartDatabase: postgres.restart }, teardown: postgres.teardown };
}
const privateCluster = (namespace: string): Promise<Services> => startClusterServices(namespace, log);
const CLUSTER = process.argv.includes('--cluster');
const scenarios: {
  name: string;
  faults: { at: number; kind: FaultKind }[];
  duplicateSends?: boolean;
  services?: (namespace: string) => Promise<Services>;
  only?: boolean;
  cluster?: boolean;
}[] = [
  { name: 'kill-router', faults: spread('kill-router', 3) },
  { name: 'duplicates', faults: [], duplicateSends: true },
  { name: 'kill-console', faults: spread('kill-console', 2) },
  { name: 'restart-broker', faults: spread('restart-broker', 1), services: privateBroker },
  { name: 'restart-database', faults: spread('restart-database', 1), services: privateDatabase },
  // Only when named: the others cover it.
  { name: 'reduced', faults: [], only: true },
  { name: 'cluster-broker', faults: [{ at: 0.4, kind: 'kill-broker-leader' }], services: privateCluster, cluster: true },
  { name: 'cluster-database', faults: [{ at: 0.4, kind: 'failover-database' }], services: privateCluster, cluster: true },
  {
    name: 'cluster-both',
    faults: [
      { at: 0.3, kind: 'kill-broker-leader' },
      { at: 0.6, kind: 'failover-database' },
    ],
    services: privateCluster,
    cluster: true,
  },
];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));

async function admin(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

let bad = 0;
for (const scenario of scenarios) {
  if (wanted.length ? !wanted.includes(scenario.name) : scenario.only || Boolean(scenario.cluster) !== CLUSTER) continue;
  const name = `sb_faults_${randomBytes(4).toString('hex')}`;
  const namespace = `faults_${randomBytes(4).toString('hex')}`;
  let services: Services | undefined;
  try {
    services = await (scenario.services ?? shared)(namespace);
    const url = new URL(services.databaseUrl);
    url.pathname = `/${name}`;
    await admin(services.databaseUrl, `CREATE DATABASE ${name}`);
    const handle = openPgDatabase(url.toString(), 2);
    await migrateUp(handle.db, allMigrations);
    await handle.close();
    const reduced = scenario.name === 'reduced' ? reducedFaults(Number(process.env.FAULTS_MESSAGES ?? 2000)) : {};
    const options: ScenarioOptions = {
      name: scenario.name,
      databaseUrl: services.databaseUrlFor?.(name) ?? url.toString(),
      amqpUrl: services.amqpUrl,
      queueType: services.queueType,
      gateways: services.gateways,
      env: services.env,
      namespace,
      messages: MESSAGES,
      customers: process.env.FAULTS_CUSTOMERS ? Number(process.env.FAULTS_CUSTOMERS) : undefined,
      agents: Number(process.env.FAULTS_AGENTS ?? 10),
      inFlight: Number(process.env.FAULTS_IN_FLIGHT ?? 64),
      duplicateSends: scenario.duplicateSends,
      faults: scenario.faults,
      actions: services.actions,
      log,
      ...reduced,
    };
    log(`${scenario.name}: ${options.messages} messages`);
    const audit = await runScenario(options);
    if (MUST_BE_ZERO.some((k) => audit[k] !== 0)) bad++;
    // A stream that ended before its faults were injected proved nothing.
    else if (audit.faults.length < scenario.faults.length) {
      bad++;
      log(`${scenario.name}: only ${audit.faults.length} of ${scenario.faults.length} faults were injected`);
    }
    process.stdout.write(`${JSON.stringify(audit)}\n`);
  } catch (error) {
    bad++;
    log(`${scenario.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    if (services) {
      await admin(services.databaseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await services.teardown().catch((error) => log(`${scenario.name}: teardown failed: ${String(error)}`));
    }
  }
}
process.exit(bad ? 1 : 0);
