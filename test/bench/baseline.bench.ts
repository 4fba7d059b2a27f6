// The bare durable pipeline with no Switchboard code (./lib/baseline-server.ts: Hono → RabbitMQ
// quorum queue with publisher confirm → batched insert into PostgreSQL → ack → WebSocket), under
// the end-to-end bench's load process, payload and mix. Prints one JSON line per scenario:
// `baseline_throughput` (BENCH_MESSAGES, default 20,000, as fast as accepted) and
// `baseline_latency_at_<BENCH_RATE>` (default 2,000 msg/s for BENCH_RATE_SECONDS, default 10).
// Env: DATABASE_URL (a database `sb_bench_base_<pid>` is made beside it and dropped), AMQP_URL,
// BENCH_IN_FLIGHT (default 200), BENCH_SCENARIOS (default "throughput,latency").
import pg from 'pg';
import { runBaseline } from './lib/baseline.js';
import { BENCH_TEXT } from './lib/payload.js';

const DATABASE_URL = process.env.DATABASE_URL;
const AMQP_URL = process.env.AMQP_URL;
if (!DATABASE_URL || !AMQP_URL) {
  process.stderr.write('baseline bench: set DATABASE_URL (a PostgreSQL server) and AMQP_URL (RabbitMQ)\n');
  process.exit(2);
}
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 200);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'throughput,latency').split(',').map((s) => s.trim());

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const dbName = `sb_bench_base_${process.pid}`;
const url = new URL(DATABASE_URL);
url.pathname = `/${dbName}`;
let exitCode = 0;
try {
  await admin(`CREATE DATABASE ${dbName}`);
  const run = (messages: number, rate: number) =>
    runBaseline({ amqpUrl: AMQP_URL, databaseUrl: url.toString(), messages, rate, inFlight: IN_FLIGHT, text: BENCH_TEXT });
  if (SCENARIOS.includes('throughput')) process.stdout.write(`${JSON.stringify({ scenario: 'baseline_throughput', ...(await run(MESSAGES, 0)) })}\n`);
  if (SCENARIOS.includes('latency'))
    process.stdout.write(`${JSON.stringify({ scenario: `baseline_latency_at_${RATE}`, offered_rate: RATE, ...(await run(RATE * RATE_SECONDS, RATE)) })}\n`);
} catch (error) {
  exitCode = 1;
  process.stderr.write(`baseline: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
}
process.exit(exitCode);
