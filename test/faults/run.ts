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
//   restart-broker    `rabbitmqctl stop_app` / `start_app` mid-stream — runs only with
//                     FAULTS_BROKER_STOP and FAULTS_BROKER_START set to the commands to use
//   restart-database  PostgreSQL restarted mid-stream — only with FAULTS_DATABASE_RESTART set
// Restarting RabbitMQ or PostgreSQL stops them for everyone using them: those two run only on a
// machine of your own, with the commands given explicitly.
//
// Env: DATABASE_URL (a fresh database per scenario is created beside it), AMQP_URL,
// FAULTS_MESSAGES, FAULTS_CUSTOMERS (default messages / 10), FAULTS_AGENTS (10),
// FAULTS_IN_FLIGHT (64), BUS_QUEUE_TYPE (classic unless set).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPgDatabase } from '../../core/db/pg/pg-database.js';
import { migrateUp } from '../../core/db/migrate.js';
import { MUST_BE_ZERO, reducedFaults, runScenario, type FaultKind, type ScenarioOptions } from './lib/faults.js';

const DATABASE_URL = process.env.DATABASE_URL;
const AMQP_URL = process.env.AMQP_URL;
if (!DATABASE_URL || !AMQP_URL) {
  process.stderr.write('faults: set DATABASE_URL (a PostgreSQL server) and AMQP_URL (RabbitMQ)\n');
  process.exit(2);
}
const MESSAGES = Number(process.env.FAULTS_MESSAGES ?? 20_000);
const log = (line: string) => process.stderr.write(`faults: ${line}\n`);
const commands = {
  stopBroker: process.env.FAULTS_BROKER_STOP,
  startBroker: process.env.FAULTS_BROKER_START,
  restartDatabase: process.env.FAULTS_DATABASE_RESTART,
};
const spread = (kind: FaultKind, times: number) => Array.from({ length: times }, (_, i) => ({ at: (i + 1) / (times + 1), kind }));
const scenarios: { name: string; faults: { at: number; kind: FaultKind }[]; duplicateSends?: boolean; skip?: string; only?: boolean }[] = [
  { name: 'kill-router', faults: spread('kill-router', 3) },
  { name: 'duplicates', faults: [], duplicateSends: true },
  { name: 'kill-console', faults: spread('kill-console', 2) },
  {
    name: 'restart-broker',
    faults: spread('restart-broker', 1),
    skip: commands.stopBroker && commands.startBroker ? undefined : 'set FAULTS_BROKER_STOP and FAULTS_BROKER_START (RabbitMQ is stopped for everyone using it)',
  },
  {
    name: 'restart-database',
    faults: spread('restart-database', 1),
    skip: commands.restartDatabase ? undefined : 'set FAULTS_DATABASE_RESTART (PostgreSQL is restarted for everyone using it)',
  },
  // Only when named: the others cover it.
  { name: 'reduced', faults: [], only: true },
];
const wanted = process.argv.slice(2);

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

let bad = 0;
for (const scenario of scenarios) {
  if (wanted.length ? !wanted.includes(scenario.name) : scenario.only) continue;
  if (scenario.skip) {
    process.stdout.write(`${JSON.stringify({ scenario: scenario.name, skipped: scenario.skip })}\n`);
    continue;
  }
  const name = `sb_faults_${randomBytes(4).toString('hex')}`;
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  await admin(`CREATE DATABASE ${name}`);
  try {
    const handle = openPgDatabase(url.toString(), 2);
    await migrateUp(handle.db);
    await handle.close();
    const reduced = scenario.name === 'reduced' ? reducedFaults(Number(process.env.FAULTS_MESSAGES ?? 2000)) : {};
    const options: ScenarioOptions = {
      name: scenario.name,
      databaseUrl: url.toString(),
      amqpUrl: AMQP_URL,
      namespace: `faults_${randomBytes(4).toString('hex')}`,
      messages: MESSAGES,
      customers: process.env.FAULTS_CUSTOMERS ? Number(process.env.FAULTS_CUSTOMERS) : undefined,
      agents: Number(process.env.FAULTS_AGENTS ?? 10),
      inFlight: Number(process.env.FAULTS_IN_FLIGHT ?? 64),
      duplicateSends: scenario.duplicateSends,
      faults: scenario.faults,
      commands,
      log,
      ...reduced,
    };
    log(`${scenario.name}: ${options.messages} messages`);
    const audit = await runScenario(options);
    if (MUST_BE_ZERO.some((k) => audit[k] !== 0)) bad++;
    process.stdout.write(`${JSON.stringify(audit)}\n`);
  } catch (error) {
    bad++;
    log(`${scenario.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
  }
}
process.exit(bad ? 1 : 0);
