// The whole path, on the real engines: app API HTTP in (gateway) → inbound shard (RabbitMQ) →
// router (threading, assignment, one transaction per batch) → outbox → console → an agent's
// WebSocket. Switchboard runs as separate processes (gateway+console, router), the load comes from
// another process, and this script holds an admin's real-time feed and records when each message's
// `message.created` arrives. Latency = feed receipt − HTTP accept (202), both on this machine's
// clock. In the same run it measures the raw broker ceiling (publish+confirm, consume+ack through
// a quorum queue) with the same payload size, and before each scenario the bare durable pipeline
// (./lib/baseline.ts: the same load, no Switchboard code) — interleaved, so both see the same
// machine — and prints one JSON object per scenario on stdout.
//
// Env: DATABASE_URL and AMQP_URL (required), BENCH_MESSAGES (throughput run, default 20000),
// BENCH_RATE (latency run's offered rate, default 2000), BENCH_RATE_SECONDS (default 10),
// BENCH_AGENTS (default 20), BENCH_IN_FLIGHT (default 200), BUS_NAMESPACE (default "bench"),
// BENCH_SCENARIOS (default "throughput,latency"), BENCH_BASELINE (default 1; 0 skips the
// baseline runs and leaves ratio_to_baseline null), BENCH_EXPLAIN (a sample rate, e.g. 0.25:
// auto_explain logs that share of Switchboard's statements in PostgreSQL's server log),
// BENCH_READY_MS (how long a process may take to start, default 60000),
// BENCH_ANALYZE (default 1: ANALYZE after the warm-up, as autovacuum would; 0 leaves the tables
// without statistics).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';
import { builtInConnectors } from '../../connectors/index.js';
import { loadConfig } from '../../core/config/config.js';
import { createChannel } from '../../core/connector/channels.js';
import { loadConnectors } from '../../core/connector/registry.js';
import { openBus } from '../../core/bus/index.js';
import { openDatabase } from '../../core/db/database.js';
import { measureRawBroker } from './lib/raw-broker.js';
import { cpuSecondsOf, cpuSecondsOfCommand, freePort, rowsRead, rowsReadByTable, runBaseline, runLoad, type BaselineResult } from './lib/baseline.js';
import { BENCH_TEXT } from './lib/payload.js';
import { purgeNamespace } from './lib/purge.js';
import { addAgent, addGroup, setDefaultGroup, type World } from '../support/router-world.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const DATABASE_URL = process.env.DATABASE_URL;
const AMQP_URL = process.env.AMQP_URL;
if (!DATABASE_URL || !AMQP_URL) {
  process.stderr.write('end-to-end bench: set DATABASE_URL (a PostgreSQL server; a fresh database is created beside it) and AMQP_URL (RabbitMQ)\n');
  process.exit(2);
}
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 20);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 200);
const DRAIN_MS = Number(process.env.BENCH_DRAIN_MS ?? 20_000);
const NAMESPACE = process.env.BUS_NAMESPACE || 'bench';
/** Which scenarios to run (comma-separated names, default both): `throughput`, `latency`. */
/** A name for the throughput scenario's JSON line instead of "throughput" (the sweep sets it). */
const LABEL = process.env.BENCH_LABEL || 'throughput';
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'throughput,latency').split(',').map((s) => s.trim());
const BASELINE = process.env.BENCH_BASELINE !== '0';
const ANALYZE = process.env.BENCH_ANALYZE !== '0';
const SECRET_KEY = 'be'.repeat(32);
const TEXT = BENCH_TEXT;
const log = (line: string) => process.stderr.write(`end-to-end: ${line}\n`);

// ---- helpers -------------------------------------------------------------------------------

async function adminQuery(text: string): Promise<void> {
  await adminQueryOn(DATABASE_URL!, text);
}

async function adminQueryOn(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = Number(process.env.BENCH_READY_MS ?? 60_000)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before it was ready`);
    try {
      const answer = await fetch(`${url}/readyz`);
      await answer.arrayBuffer();
      if (answer.ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

function rssOf(pid: number): { rss_mb: number; hwm_mb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss_mb: Math.round(kb('VmRSS') / 1024), hwm_mb: Math.round(kb('VmHWM') / 1024) };
}

/** Commits and rows touched in the bench database so far (PostgreSQL's statistics, flushed within a second). */
async function databaseCounters(): Promise<{ commits: number; returned: number; written: number }> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ commits: string; returned: string; written: string }>(
      'select xact_commit as commits, tup_returned + tup_fetched as returned, tup_inserted + tup_updated + tup_deleted as written from pg_stat_database where datname = $1',
      [dbName],
    );
    const row = rows[0];
    return { commits: Number(row?.commits ?? 0), returned: Number(row?.returned ?? 0), written: Number(row?.written ?? 0) };
  } finally {
    await client.end();
  }
}

/** On stderr: the tables PostgreSQL read the most rows from during the run (a missing or unselective index shows here). */
async function reportScans(): Promise<void> {
  const client = new pg.Client({ connectionString: dbUrl.toString() });
  await client.connect();
  try {
    const { rows } = await client.query(
      'select relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_live_tup from pg_stat_user_tables order by seq_tup_read + coalesce(idx_tup_fetch, 0) desc limit 5',
    );
    for (const row of rows)
      log(
        `table ${row.relname}: ${row.seq_scan} sequential scans read ${row.seq_tup_read} rows; ${row.idx_scan ?? 0} index scans fetched ${row.idx_tup_fetch ?? 0} rows; ${row.n_live_tup} rows in the table`,
      );
  } finally {
    await client.end();
  }
}

/** Messages the broker delivered to Switchboard's processes so far, by queue (their /metrics). */
async function brokerDeliveries(urls: string[]): Promise<Map<string, number>> {
  const byQueue = new Map<string, number>();
  for (const url of urls) {
    try {
      const text = await (await fetch(`${url}/metrics`)).text();
      for (const match of text.matchAll(/^switchboard_bus_deliveries_total\{queue="([^"]+)"\} (\d+)/gm))
        byQueue.set(match[1]!, (byQueue.get(match[1]!) ?? 0) + Number(match[2]));
    } catch {
      /* no figure */
    }
  }
  return byQueue;
}

/** The router's routing-time histogram (cumulative bucket counts by upper bound, seconds), from its /metrics. */
async function routingHistogram(url: string): Promise<Map<number, number>> {
  const buckets = new Map<number, number>();
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const match of text.matchAll(/^switchboard_routing_decision_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)) {
      buckets.set(match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]), Number(match[2]));
    }
  } catch {
    /* no figure */
  }
  return buckets;
}

/** The upper bound (ms) of the bucket that holds quantile q of what was observed between two reads. */
function histogramQuantile(before: Map<number, number>, after: Map<number, number>, q: number): { count: number; ms: number | null } {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const count = (after.get(Number.POSITIVE_INFINITY) ?? 0) - (before.get(Number.POSITIVE_INFINITY) ?? 0);
  if (count <= 0) return { count: 0, ms: null };
  for (const bound of bounds) {
    if ((after.get(bound) ?? 0) - (before.get(bound) ?? 0) >= q * count) return { count, ms: Number.isFinite(bound) ? bound * 1000 : null };
  }
  return { count, ms: null };
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1));
}

// ---- the run ---------------------------------------------------------------------------------

const dbName = `sb_bench_${process.pid}`;
const dbUrl = new URL(DATABASE_URL);
dbUrl.pathname = `/${dbName}`;
// The baseline's own database, so its rows never mix with Switchboard's statistics.
const baselineDbName = `sb_bench_base_${process.pid}`;
const baselineDbUrl = new URL(DATABASE_URL);
baselineDbUrl.pathname = `/${baselineDbName}`;
const children: ChildProcess[] = [];
const dataDirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  dataDirs.push(dir);
  return dir;
};
let stopping = false;

async function cleanUp(): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  for (let i = 0; i < 50 && children.some((c) => c.exitCode === null && c.signalCode === null); i++) await sleep(100);
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((error) => log(`could not drop ${dbName}: ${error}`));
  await adminQuery(`DROP DATABASE IF EXISTS ${baselineDbName} WITH (FORCE)`).catch((error) => log(`could not drop ${baselineDbName}: ${error}`));
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));

function startSwitchboard(roles: string, port: number): ChildProcess {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'console/cli/dev.mjs'), 'start', '--role', roles], {
    cwd: root,
    stdio: ['ignore', 2, 2],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: dbUrl.toString(),
      AMQP_URL,
      SECRET_KEY,
      BUS_NAMESPACE: NAMESPACE,
      BUS_QUEUE_TYPE: 'quorum',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir(),
    },
  });
  children.push(child);
  return child;
}

/** An admin's real-time feed: the epoch time at which each message id's `message.created` arrived. */
async function openFeed(baseUrl: string, cookie: string, slug: string) {
  const seen = new Map<string, number>();
  // As the console's web app opens it: a burst of events comes as one frame.
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/realtime?batch=1`, { headers: { cookie, 'x-switchboard-tenant': slug } });
  let ready = false;
  let closing = false;
  socket.on('close', (code, reason) => {
    if (!closing) log(`the agent feed closed: ${code} ${String(reason)}`);
  });
  socket.on('message', (data) => {
    const at = performance.timeOrigin + performance.now();
    const message = JSON.parse(String(data));
    if (message.type === 'ready') ready = true;
    const events = message.type === 'events' ? message.events : message.type === 'event' ? [message.event] : [];
    for (const event of events) {
      if (event?.kind !== 'message.created') continue;
      const parts = event.payload?.message?.parts as { type: string; text?: string }[] | undefined;
      const text = parts?.find((p) => p.type === 'text')?.text ?? '';
      const id = /\[([^\]]+)\]$/.exec(text)?.[1];
      if (id && !seen.has(id)) seen.set(id, at);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => reject(new Error(`feed refused: ${response.statusCode}`)));
    socket.once('error', reject);
    const deadline = Date.now() + 10_000;
    const check = setInterval(() => {
      if (ready) {
        clearInterval(check);
        resolve();
      } else if (Date.now() > deadline) {
        clearInterval(check);
        reject(new Error('feed not ready'));
      }
    }, 10);
  });
  const heartbeat = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ type: 'heartbeat' })), 1000);
  return {
    seen,
    close: () => {
      closing = true;
      clearInterval(heartbeat);
      socket.close();
    },
  };
}

const payloadSize = Buffer.byteLength(
  JSON.stringify({ clientMessageId: 'tp-00000', user: { id: 'tp-u00000', name: 'Customer 00000' }, text: `${TEXT} [tp-00000]` }),
);
let exitCode = 0;
try {
  await adminQuery(`CREATE DATABASE ${dbName}`);
  if (process.env.BENCH_EXPLAIN) {
    // Every Switchboard connection logs the plans of a sample of its statements, with the rows
    // each node read, in the server's log (test/bench/lib/explain-summary.ts sums them).
    const settings = {
      session_preload_libraries: 'auto_explain',
      'auto_explain.log_min_duration': '0',
      'auto_explain.log_analyze': 'on',
      'auto_explain.log_timing': 'off',
      'auto_explain.log_format': 'json',
      'auto_explain.log_nested_statements': 'on',
      'auto_explain.sample_rate': process.env.BENCH_EXPLAIN,
    };
    for (const [name, value] of Object.entries(settings)) await adminQuery(`ALTER DATABASE ${dbName} SET ${name} = '${value}'`);
  }
  if (BASELINE) await adminQuery(`CREATE DATABASE ${baselineDbName}`);
  await purgeNamespace(AMQP_URL, NAMESPACE, log);
  log(`database ${dbName}; raw broker ceiling first`);
  const raw = await withTimeout(
    measureRawBroker({ url: AMQP_URL, messages: Math.min(Math.max(MESSAGES, 5000), 20_000), payload: Buffer.alloc(payloadSize, 'x') }),
    120_000,
    'the raw broker measurement (is RabbitMQ answering?)',
  );
  log(`raw broker: ${raw.msgs_per_s} msg/s (${payloadSize} B)`);

  const [webPort, routerPort] = [await freePort(), await freePort()];
  const web = startSwitchboard('gateway,console', webPort);
  const webUrl = `http://127.0.0.1:${webPort}`;
  await waitReady(webUrl, web); // migrates the database
  const router = startSwitchboard('router', routerPort);
  await waitReady(`http://127.0.0.1:${routerPort}`, router);
  const processes = { gateway_console: web, router };
  const routerUrl = `http://127.0.0.1:${routerPort}`;

  // The company: signed up through the API (so the admin can sign in), agents and groups as the tests seed them.
  const slug = 'bench';
  const email = 'admin@bench.example';
  const password = 'bench admin password';
  const signup = await fetch(`${webUrl}/api/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ companyName: 'Bench Ltd', slug, name: 'Bench admin', email, password }),
  });
  const signupBody = (await signup.json()) as { tenant: { id: string } };
  if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${JSON.stringify(signupBody)}`);
  const tenantId = signupBody.tenant.id;
  const session = await fetch(`${webUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchboard-tenant': slug },
    body: JSON.stringify({ email, password }),
  });
  await session.arrayBuffer();
  const cookie = session.headers.get('set-cookie')?.split(';')[0];
  if (session.status !== 200 || !cookie) throw new Error(`sign-in failed: ${session.status}`);

  const config = loadConfig({
    DATABASE_URL: dbUrl.toString(),
    AMQP_URL,
    SECRET_KEY,
    BUS_NAMESPACE: NAMESPACE,
    DATA_DIR: dataDir(),
    LOG_LEVEL: 'silent',
    SIGNUP: 'open',
  });
  const database = await openDatabase(config.database);
  // The channel binds its connector's event queue to the company (core/connector/event-forwarder.ts).
  const bus = await openBus(config.bus);
  let apiKey: string;
  let channelId: string;
  try {
    const db = database.db;
    const role = await db.selectFrom('roles').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'agent').executeTakeFirstOrThrow();
    const created = await createChannel({ db, bus, config, registry: await loadConnectors(builtInConnectors, []) }, tenantId, {
      type: 'app-api',
      name: 'Bench app',
      // No per-key limit: the default (1,200 requests a minute) would answer most of the load 429
      // and the run would measure the limiter, not the path.
      config: { webhookSecret: 'bench-webhook-secret-0123456789', rateLimitPerMinute: 0 },
    });
    if (!created.apiKey) throw new Error('the app API channel came without an API key');
    apiKey = created.apiKey;
    channelId = created.channel.id;
    const world: World = { db, tenantId, roleId: role.id, channelId, channelType: 'app-api' };
    const groups = [await addGroup(world, 'Bench support'), await addGroup(world, 'Bench sales')];
    await setDefaultGroup(world, groups[0]!);
    // Enough capacity for every new conversation of both scenarios.
    const perAgent = Math.ceil((MESSAGES + RATE * RATE_SECONDS) / AGENTS);
    for (let i = 0; i < AGENTS; i++)
      await addAgent(world, `Bench agent ${i}`, { groups: i % 2 ? [groups[0]!] : [groups[0]!, groups[1]!], capacity: { chat: perAgent, email: 20, voice: 1 } });
  } finally {
    await bus.close();
    await database.close();
  }
  log(`seeded: ${AGENTS} agents online, channel ${channelId}`);
  const feed = await openFeed(webUrl, cookie, slug);
  const hooksUrl = `${webUrl}/hooks/${channelId}/messages`;

  // A short warm-up (JIT, connection pools, prepared plans), not counted.
  const load = { url: hooksUrl, apiKey, inFlight: IN_FLIGHT, text: TEXT, children };
  await runLoad({ ...load, messages: 300, rate: 0, prefix: 'warm' });
  await sleep(1500);
  if (ANALYZE) {
    // What autovacuum does on a default PostgreSQL once a table has changed by 50 rows and 10%:
    // the warm-up's rows give the planner statistics. This machine's server runs with autovacuum
    // off, so without this every plan of the run is made on a table the planner knows nothing of.
    await adminQueryOn(dbUrl.toString(), 'ANALYZE');
  }

  const scenario = async (name: string, messages: number, rate: number, prefix: string) => {
    // The bare pipeline first, with the same messages and rate: the ratio compares two runs that
    // shared the machine's state within a minute of each other.
    let baseline: BaselineResult | undefined;
    if (BASELINE) {
      baseline = await runBaseline({
        amqpUrl: AMQP_URL,
        databaseUrl: baselineDbUrl.toString(),
        messages,
        rate,
        inFlight: IN_FLIGHT,
        text: TEXT,
        drainMs: DRAIN_MS,
      });
      log(`baseline: ${baseline.msgs_per_s} msg/s, p99 ${baseline.p99_ms} ms`);
      await sleep(1000);
    }
    const cpuBefore = Object.fromEntries(Object.entries(processes).map(([k, p]) => [k, cpuSecondsOf(p.pid!)]));
    const rabbitBefore = cpuSecondsOfCommand('beam.smp');
    const postgresBefore = cpuSecondsOfCommand('postgres');
    const selfBefore = process.cpuUsage();
    const dbBefore = await databaseCounters();
    const readBefore = await rowsRead(dbUrl.toString());
    const readByTableBefore = await rowsReadByTable(dbUrl.toString());
    const deliveriesBefore = await brokerDeliveries([webUrl, routerUrl]);
    const routingBefore = await routingHistogram(routerUrl);
    const result = await runLoad({ ...load, messages, rate, prefix });
    // Drain: wait until every accepted message reached the feed, or nothing new came for DRAIN_MS.
    let lastCount = -1;
    let lastChange = Date.now();
    for (let i = 0; i < 10_000; i++) {
      const count = result.ids.reduce((n, id) => n + (feed.seen.has(id) ? 1 : 0), 0);
      if (count === result.ids.length) break;
      if (count !== lastCount) {
        lastCount = count;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > DRAIN_MS) break;
      await sleep(100);
    }
    await sleep(1200); // PostgreSQL flushes its statistics about once a second
    const dbAfter = await databaseCounters();
    const read = (await rowsRead(dbUrl.toString())) - readBefore;
    const readByTable = [...(await rowsReadByTable(dbUrl.toString()))]
      .map(([table, n]) => [table, n - (readByTableBefore.get(table) ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    const deliveriesAfter = await brokerDeliveries([webUrl, routerUrl]);
    const deliveries: Record<string, number> = {};
    for (const [queue, n] of deliveriesAfter) if (n - (deliveriesBefore.get(queue) ?? 0) > 0) deliveries[queue] = n - (deliveriesBefore.get(queue) ?? 0);
    const perMessage = (n: number) => Number((n / Math.max(1, result.ids.length)).toFixed(2));
    const routing = histogramQuantile(routingBefore, await routingHistogram(routerUrl), 0.99);
    const latencies: number[] = [];
    let lastSeen = 0;
    let lost = 0;
    for (let i = 0; i < result.ids.length; i++) {
      const at = feed.seen.get(result.ids[i]!);
      if (at === undefined) {
        lost++;
        continue;
      }
      latencies.push(at - result.acceptedAt[i]!);
      if (at > lastSeen) lastSeen = at;
    }
    latencies.sort((a, b) => a - b);
    const seconds = ((lastSeen || performance.timeOrigin + performance.now()) - result.started) / 1000;
    const self = process.cpuUsage(selfBefore);
    const cpu: Record<string, number> = {};
    for (const [k, p] of Object.entries(processes)) cpu[k] = Number((cpuSecondsOf(p.pid!) - cpuBefore[k]!).toFixed(2));
    cpu.rabbitmq_machine_wide = Number((cpuSecondsOfCommand('beam.smp') - rabbitBefore).toFixed(2));
    cpu.postgres_machine_wide = Number((cpuSecondsOfCommand('postgres') - postgresBefore).toFixed(2));
    cpu.load_process = Number(result.cpuSeconds.toFixed(2));
    cpu.feed_client = Number(((self.user + self.system) / 1e6).toFixed(2));
    const msgsPerS = Math.round(latencies.length / seconds);
    const rss: Record<string, { rss_mb: number; hwm_mb: number }> = {};
    for (const [k, p] of Object.entries(processes)) rss[k] = rssOf(p.pid!);
    process.stdout.write(
      `${JSON.stringify({
        scenario: name,
        messages,
        accepted: result.ids.length,
        rejected: result.failed,
        offered_rate: rate || null,
        sender_fell_behind: rate ? result.behind : undefined,
        seconds: Number(seconds.toFixed(2)),
        accept_msgs_per_s: Math.round(result.ids.length / result.seconds),
        msgs_per_s: msgsPerS,
        p50_ms: percentile(latencies, 0.5),
        p95_ms: percentile(latencies, 0.95),
        p99_ms: percentile(latencies, 0.99),
        max_ms: percentile(latencies, 1),
        raw_broker_msgs_per_s: raw.msgs_per_s,
        ratio_to_raw: Number((msgsPerS / raw.msgs_per_s).toFixed(3)),
        baseline_msgs_per_s: baseline?.msgs_per_s ?? null,
        baseline_p99_ms: baseline?.p99_ms ?? null,
        baseline_cpu_ms_per_message: baseline?.cpu_ms_per_message ?? null,
        ratio_to_baseline: baseline ? Number((msgsPerS / Math.max(1, baseline.msgs_per_s)).toFixed(3)) : null,
        payload_bytes: payloadSize,
        agents: AGENTS,
        routing_decision_p99_ms: routing.ms,
        routing_decisions: routing.count,
        rss_mb: Object.fromEntries(Object.entries(rss).map(([k, v]) => [k, v.rss_mb])),
        peak_rss_mb: Object.fromEntries(Object.entries(rss).map(([k, v]) => [k, v.hwm_mb])),
        cpu_seconds: cpu,
        cpu_ms_per_message: Number(((Object.values(cpu).reduce((a, b) => a + b, 0) * 1000) / Math.max(1, result.ids.length)).toFixed(2)),
        rows_read_per_message: Number((read / Math.max(1, result.ids.length)).toFixed(1)),
        rows_read_per_message_by_table: Object.fromEntries(
          readByTable.slice(0, 12).map(([table, n]) => [table, Number((n / Math.max(1, result.ids.length)).toFixed(1))]),
        ),
        broker_deliveries_per_message: perMessage(Object.values(deliveries).reduce((a, b) => a + b, 0)),
        broker_deliveries_per_message_by_queue: Object.fromEntries(Object.entries(deliveries).map(([queue, n]) => [queue, perMessage(n)])),
        db_per_message: {
          commits: Number(((dbAfter.commits - dbBefore.commits) / Math.max(1, result.ids.length)).toFixed(2)),
          rows_read: Number(((dbAfter.returned - dbBefore.returned) / Math.max(1, result.ids.length)).toFixed(1)),
          rows_written: Number(((dbAfter.written - dbBefore.written) / Math.max(1, result.ids.length)).toFixed(1)),
        },
        lost,
      })}\n`,
    );
  };

  if (SCENARIOS.includes('throughput')) await scenario(LABEL, MESSAGES, 0, 'tp');
  if (SCENARIOS.includes('latency')) {
    await sleep(2000);
    await scenario(`latency_at_${RATE}`, RATE * RATE_SECONDS, RATE, 'lat');
  }
  feed.close();
  await reportScans();
} catch (error) {
  exitCode = 1;
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await cleanUp();
}
process.exit(exitCode);
