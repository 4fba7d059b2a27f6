// One fault scenario: Switchboard as separate processes (gateway, console, two routers) on the
// real PostgreSQL and RabbitMQ, customers streaming messages through the app API with senders
// that retry whatever got no 2xx (as real providers do), faults injected at set points of the
// stream, and at the end an audit of the database: was every accepted message stored once, in
// the order its customer sent it, and did every conversation go to one agent within capacity?
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import WebSocket from 'ws';
import { inboundQueueName } from '../../../core/bus/bus.js';
import { openBus } from '../../../core/bus/index.js';
import { builtInConnectors } from '../../../connectors/index.js';
import { loadConfig } from '../../../core/config/config.js';
import { createChannel } from '../../../core/connector/channels.js';
import { loadConnectors } from '../../../core/connector/registry.js';
import { openPgDatabase } from '../../../core/db/pg/pg-database.js';
import { assignmentViolations } from '../../support/assignment-invariants.js';
import { addAgent, addGroup, setDefaultGroup, type World } from '../../support/router-world.js';
import { LOOPBACK_ALLOW } from '../../support/connectors.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export type FaultKind = 'kill-router' | 'kill-console' | 'restart-broker' | 'restart-database' | 'kill-broker-leader' | 'failover-database';

export interface ScenarioOptions {
  name: string;
  /** A migrated database of its own (its URL). */
  databaseUrl: string;
  amqpUrl: string;
  namespace: string;
  messages: number;
  customers?: number;
  agents?: number;
  inFlight?: number;
  /** Send every message two or three times (a provider that redelivers webhooks). */
  duplicateSends?: boolean;
  /** Faults, each when this fraction of the messages has been accepted. */
  faults?: { at: number; kind: FaultKind }[];
  /**
   * What the service faults do: stop and start the broker's app, restart the database. The run
   * gives these for private services it started (test/faults/lib/private-services.ts), never for
   * the machine's shared ones unless a command was spelled out.
   */
  actions?: {
    stopBroker?: () => Promise<void>;
    startBroker?: () => Promise<void>;
    restartDatabase?: () => Promise<void>;
    /** Called once the processes are up (queues declared), before the stream: e.g. find the queues' leader. */
    prepare?: () => Promise<void>;
    /** SIGKILL the node leading the inbound quorum queues; resolves with the kill's time and a function that starts it again. */
    killBrokerLeader?: () => Promise<{ killedAt: number; restart: () => Promise<void> }>;
    /** SIGKILL the database primary and promote the standby; resolves with the kill's time once it takes writes. */
    failoverDatabase?: () => Promise<{ killedAt: number }>;
  };
  /** Gateway processes behind the senders (each sender's retry goes to the next one); 1 unless given. */
  gateways?: number;
  /** Extra environment for every process (BUS_QUORUM_SIZE on a cluster). */
  env?: Record<string, string>;
  /** `classic` unless given (BUS_QUEUE_TYPE); a private broker takes the production default, quorum. */
  queueType?: 'quorum' | 'classic';
  /** How long to wait for the stored count to reach the accepted count. */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface Audit {
  scenario: string;
  messages: number;
  /** Distinct messages that got a 2xx. */
  accepted: number;
  /** Messages that never got a 2xx within the sender's patience (not a loss: the sender knows). */
  unaccepted: number;
  /** HTTP requests sent (retries and duplicate sends included) and how many got no 2xx. */
  requests: number;
  failed_requests: number;
  stored: number;
  lost: number;
  duplicates: number;
  double_assigned: number;
  over_capacity: number;
  order_violations: number;
  /** Other breaches of the assignment invariants (log and load counters disagreeing). */
  invariant_violations: number;
  faults: string[];
  /**
   * Per service fault: seconds the service was down (stop → back), and from its return to the
   * first message accepted (2xx) and the first message stored again.
   */
  recovery?: { fault: string; down_s: number; accept_s: number | null; store_s: number | null }[];
  /**
   * Per node kill (kill-broker-leader, failover-database): seconds from the kill until messages
   * are committed to the database again (the end of the pause in commits that follows the kill).
   */
  recovery_s?: number[];
  /** Per node kill: seconds from the kill until the first message accepted after it is committed (includes the queue's backlog). */
  accepted_after_kill_stored_s?: (number | null)[];
  /** p99 of the senders' successful requests before the first kill and after the last recovery. */
  p99_ms?: { before: number | null; after: number | null };
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function runCommand(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

/** How long a sender waits for an answer before it counts the request as failed and retries. */
const REQUEST_TIMEOUT_MS = Number(process.env.FAULTS_REQUEST_TIMEOUT_MS ?? 30_000);
const READY_MS = Number(process.env.FAULTS_READY_MS ?? 600_000);
const ID_IN_TEXT = /\[(\S+)\]$/;

/** Runs one scenario and audits it. Never throws for a finding: the audit carries them. */
export async function runScenario(options: ScenarioOptions): Promise<Audit> {
  const log = options.log ?? (() => {});
  const customers = options.customers ?? Math.max(10, Math.round(options.messages / 10));
  const agentCount = options.agents ?? 10;
  const inFlight = options.inFlight ?? 64;
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-faults-'));
  const secretKey = 'fa'.repeat(32);
  const env = {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    OUTBOUND_ALLOW: LOOPBACK_ALLOW,
    DATABASE_URL: options.databaseUrl,
    DATABASE_POOL_SIZE: '5',
    AMQP_URL: options.amqpUrl,
    BUS_NAMESPACE: options.namespace,
    BUS_QUEUE_TYPE: options.queueType ?? process.env.BUS_QUEUE_TYPE ?? 'classic',
    SECRET_KEY: secretKey,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn',
    ...options.env,
  };
  const processes = new Map<string, { child: ChildProcess; port: number }>();
  const start = async (name: string, roles: string) => {
    const previous = processes.get(name);
    const port = previous?.port ?? (await freePort());
    const child = spawn(process.execPath, [join(root, 'console/cli/dev.mjs'), 'start', '--role', roles], {
      cwd: root,
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Drained (warnings of a killed peer are expected); the tail explains a failed start.
    let tail = '';
    child.stderr!.on('data', (chunk) => (tail = (tail + chunk).slice(-3000)));
    // FAULTS_LOG_DIR keeps every process's log (warnings and errors) for a post-mortem.
    if (process.env.FAULTS_LOG_DIR) {
      const file = createWriteStream(join(process.env.FAULTS_LOG_DIR, `${options.name}-${name}.log`), { flags: 'a' });
      child.stdout!.pipe(file, { end: false });
      child.stderr!.pipe(file, { end: false });
    } else child.stdout!.resume();
    processes.set(name, { child, port });
    // A machine busy with other suites takes a while to load the sources.
    const deadline = Date.now() + READY_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready: ${tail.trim()}`);
      try {
        const answer = await fetch(`http://127.0.0.1:${port}/readyz`);
        await answer.arrayBuffer();
        if (answer.ok) return;
      } catch {
        /* not yet */
      }
      await sleep(150);
    }
    throw new Error(`${name} not ready in ${READY_MS / 1000} s: ${tail.trim()}`);
  };
  const kill = async (name: string) => {
    const entry = processes.get(name);
    if (!entry || entry.child.exitCode !== null) return;
    const exited = new Promise((resolve) => entry.child.once('exit', resolve));
    entry.child.kill('SIGKILL');
    await exited;
  };
  const database = openPgDatabase(options.databaseUrl, 3);
  let feed: WebSocket | undefined;
  try {
    // The gateway alone first: it migrates. Then the console, two routers and any more gateways.
    const gatewayNames = Array.from({ length: Math.max(1, options.gateways ?? 1) }, (_, i) => (i === 0 ? 'gateway' : `gateway-${i + 1}`));
    await start('gateway', 'gateway');
    await Promise.all([
      start('console', 'console'),
      start('router-a', 'router'),
      start('router-b', 'router'),
      ...gatewayNames.slice(1).map((name) => start(name, 'gateway')),
    ]);
    await options.actions?.prepare?.();
    const gatewayUrls = gatewayNames.map((name) => `http://127.0.0.1:${processes.get(name)!.port}`);
    const consoleUrl = () => `http://127.0.0.1:${processes.get('console')!.port}`;

    // The company, signed up through the console (so an admin can hold a real-time socket).
    const slug = 'faults';
    const email = 'admin@faults.example';
    const password = 'faults admin password';
    const signup = await fetch(`${consoleUrl()}/api/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ companyName: 'Faults Ltd', slug, name: 'Faults admin', email, password }),
    });
    const signupBody = (await signup.json()) as { tenant: { id: string } };
    if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status}`);
    const tenantId = signupBody.tenant.id;
    const db = database.db;
    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    const role = await db.selectFrom('roles').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'agent').executeTakeFirstOrThrow();
    // The channel binds its connector's event queue to the company (core/connector/event-forwarder.ts).
    const bus = await openBus(config.bus);
    const created = await createChannel({ db, bus, config, registry: await loadConnectors(builtInConnectors, []) }, tenantId, {
      type: 'app-api',
      name: 'Faults app',
      config: { webhookSecret: 'faults-webhook-secret-0123456789' },
    }).finally(() => bus.close());
    if (!created.apiKey) throw new Error('the app API channel came without an API key');
    const channelId = created.channel.id;
    const world: World = { db, tenantId, roleId: role.id, channelId, channelType: 'app-api' };
    const group = await addGroup(world, 'Faults support');
    await setDefaultGroup(world, group);
    // Capacity that binds: together the agents have room for about two thirds of the customers.
    const capacity = Math.max(1, Math.ceil((customers * 2) / 3 / agentCount));
    for (let i = 0; i < agentCount; i++) await addAgent(world, `Faults agent ${i}`, { groups: [group], capacity: { chat: capacity, email: 20, voice: 1 } });

    // An admin's real-time socket on the console, opened again when the console comes back.
    const session = await fetch(`${consoleUrl()}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-tenant': slug },
      body: JSON.stringify({ email, password }),
    });
    await session.arrayBuffer();
    const cookie = session.headers.get('set-cookie')?.split(';')[0] ?? '';
    let feedEvents = 0;
    const openFeed = () => {
      feed = new WebSocket(`${consoleUrl().replace(/^http/, 'ws')}/api/realtime`, { headers: { cookie, 'x-switchboard-tenant': slug } });
      feed.on('message', () => feedEvents++);
      feed.on('error', () => {});
    };
    openFeed();

    // The senders: one lane per customer, each message after the previous one got its 2xx.
    const hooksUrls = gatewayUrls.map((url) => `${url}/hooks/${channelId}/messages`);
    const perCustomer = Math.ceil(options.messages / customers);
    const accepted = new Set<string>();
    let unaccepted = 0;
    let requests = 0;
    let failedRequests = 0;
    let nextLane = 0;
    /** When each message was first accepted, and every successful request's start and duration. */
    const acceptedAt = new Map<string, number>();
    const timings: { at: number; ms: number }[] = [];
    const post = async (body: string, gateway = 0): Promise<boolean> => {
      requests++;
      const begun = Date.now();
      try {
        const answer = await fetch(hooksUrls[gateway % hooksUrls.length]!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${created.apiKey}` },
          body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await answer.arrayBuffer();
        if (answer.status >= 200 && answer.status < 300) {
          timings.push({ at: begun, ms: Date.now() - begun });
          return true;
        }
      } catch {
        /* no answer: retried */
      }
      failedRequests++;
      return false;
    };
    const send = async (id: string, body: string, customer: number): Promise<void> => {
      const patience = Date.now() + 120_000;
      for (let attempt = 0; Date.now() < patience; attempt++) {
        const copies = options.duplicateSends ? 2 + (id.length % 2) : 1;
        const gateway = customer + attempt;
        // Duplicates: some at the same moment, some one after the other.
        const results = id.length % 3 === 0 ? await Promise.all(Array.from({ length: copies }, () => post(body, gateway))) : [await post(body, gateway)];
        if (options.duplicateSends && id.length % 3 !== 0) for (let i = 1; i < copies; i++) results.push(await post(body, gateway));
        if (results.some(Boolean)) {
          accepted.add(id);
          if (!acceptedAt.has(id)) acceptedAt.set(id, Date.now());
          return;
        }
        await sleep(Math.min(2000, 50 * 2 ** attempt));
      }
      unaccepted++;
    };
    const faults = [...(options.faults ?? [])].sort((a, b) => a.at - b.at);
    let sent = 0;
    // A fault is injected at its point of the stream even when the stream outruns the fault before
    // it (a router restart takes a while): sending stops a little past the next fault's point
    // until that fault has begun, so no fault is left for after the stream.
    let begun = 0;
    const beforeNextFault = () => {
      const next = faults[begun];
      return next ? Math.ceil(next.at * options.messages) + Math.min(inFlight, customers) : Number.POSITIVE_INFINITY;
    };
    const lane = async () => {
      for (let customer = nextLane++; customer < customers; customer = nextLane++) {
        for (let seq = 0; seq < perCustomer; seq++) {
          while (sent >= beforeNextFault()) await sleep(20);
          if (sent >= options.messages) return;
          sent++;
          const id = `m-c${customer}-${seq}`;
          const body = JSON.stringify({
            clientMessageId: id,
            user: { id: `c${customer}`, name: `Customer ${customer}` },
            text: `Hello, message ${seq} [${id}]`,
          });
          await send(id, body, customer);
        }
      }
    };

    // The faults, each when its share of the messages has been accepted.
    const done: string[] = [];
    const recoveries: { fault: string; down_s: number; back: Date; accepted: number; acceptMs?: number }[] = [];
    /** After a service comes back: how long until the next message is accepted. */
    const watchRecovery = (fault: string, downAt: number) => {
      const entry = { fault, down_s: (Date.now() - downAt) / 1000, back: new Date(), accepted: accepted.size, acceptMs: undefined as number | undefined };
      recoveries.push(entry);
      void (async () => {
        while (accepted.size === entry.accepted && (streaming || Date.now() - entry.back.getTime() < 60_000)) await sleep(20);
        if (accepted.size > entry.accepted) entry.acceptMs = Date.now() - entry.back.getTime();
      })();
    };
    /** Node kills: when each happened, and when its fault was dealt with (node back, standby promoted). */
    const kills: { fault: string; at: number; handled: number }[] = [];
    const restarts: Promise<void>[] = [];
    let streaming = true;
    const injecting = (async () => {
      for (const fault of faults) {
        while (streaming && accepted.size + unaccepted < fault.at * options.messages) await sleep(50);
        if (!streaming) break;
        const at = accepted.size;
        begun++;
        log(`${options.name}: ${fault.kind} at ${at} accepted`);
        if (fault.kind === 'kill-router') {
          await kill('router-a');
          await sleep(500);
          await start('router-a', 'router');
        } else if (fault.kind === 'kill-console') {
          await kill('console');
          await sleep(500);
          await start('console', 'console');
          feed?.terminate();
          openFeed();
        } else if (fault.kind === 'restart-broker') {
          const downAt = Date.now();
          await options.actions!.stopBroker!();
          await sleep(3000);
          await options.actions!.startBroker!();
          watchRecovery(`${fault.kind}@${at}`, downAt);
        } else if (fault.kind === 'kill-broker-leader') {
          const { killedAt, restart } = await options.actions!.killBrokerLeader!();
          const entry = { fault: `${fault.kind}@${at}`, at: killedAt, handled: Date.now() };
          kills.push(entry);
          // Down for a while under traffic, then back into the cluster — in the background: the
          // next fault does not wait for the node's boot.
          restarts.push(
            (async () => {
              await sleep(Number(process.env.FAULTS_BROKER_DOWN_MS ?? 5000));
              await restart();
              log(`${options.name}: broker node back ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
            })(),
          );
        } else if (fault.kind === 'failover-database') {
          const { killedAt } = await options.actions!.failoverDatabase!();
          kills.push({ fault: `${fault.kind}@${at}`, at: killedAt, handled: Date.now() });
          log(`${options.name}: standby promoted ${((Date.now() - killedAt) / 1000).toFixed(2)} s after the kill`);
        } else {
          const downAt = Date.now();
          await options.actions!.restartDatabase!();
          watchRecovery(`${fault.kind}@${at}`, downAt);
        }
        done.push(`${fault.kind}@${at}`);
      }
    })();
    await Promise.all(Array.from({ length: Math.min(inFlight, customers) }, lane));
    streaming = false;
    await injecting;
    for (const result of await Promise.allSettled(restarts)) if (result.status === 'rejected') throw result.reason;
    log(`${options.name}: ${accepted.size} accepted, ${requests} requests, ${feedEvents} events on the admin socket; settling`);

    // Settle: until everything accepted is stored, or nothing new for a while.
    const countStored = async () =>
      Number(
        (
          await db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('channel_id', '=', channelId)
            .where('direction', '=', 'in')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const settleMs = options.settleMs ?? Number(process.env.FAULTS_SETTLE_MS ?? 120_000);
    // Progress is a new message stored or the inbound backlog shrinking (copies of retried
    // requests are deduped without storing anything): only a run with neither is stuck.
    const backlog = await inboundBacklog(options.amqpUrl, options.namespace, config.inboundShards);
    let last = '';
    let lastChange = Date.now();
    for (;;) {
      const n = await countStored();
      if (n >= accepted.size) break;
      const progress = `${n}/${await backlog.depth()}`;
      if (progress !== last) {
        last = progress;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > settleMs) break;
      await sleep(250);
    }
    await backlog.close();
    await sleep(500);
    const recovery = [];
    for (const r of recoveries) {
      const first = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.min('created_at').as('at'))
        .where('channel_id', '=', channelId)
        .where('direction', '=', 'in')
        .where('created_at', '>=', r.back)
        .executeTakeFirst();
      const storedAt = first?.at ? new Date(first.at as unknown as string).getTime() : undefined;
      recovery.push({
        fault: r.fault,
        down_s: Math.round(r.down_s * 10) / 10,
        accept_s: r.acceptMs === undefined ? null : Math.round(r.acceptMs / 100) / 10,
        store_s: storedAt === undefined ? null : Math.round((storedAt - r.back.getTime()) / 100) / 10,
      });
    }
    // Kill → messages committed again: the end of the stall in commits that follows the kill (the
    // longest pause between commits that begins within 5 s of it and ends before the next kill —
    // a pause across the next fault is that fault's, unless nothing was committed before it). And
    // kill → the first message accepted after the kill being committed (that also counts the
    // backlog queued before it).
    const recoverySeconds: number[] = [];
    const lagSeconds: (number | null)[] = [];
    const recoveredAt: number[] = [];
    for (const [index, k] of kills.entries()) {
      const nextKill = kills[index + 1]?.at ?? Infinity;
      const rows = await db
        .selectFrom('messages')
        .select(['external_id', 'content', 'created_at'])
        .where('channel_id', '=', channelId)
        .where('direction', '=', 'in')
        .where('created_at', '>=', new Date(k.at))
        .where('created_at', '<', new Date(k.at + 120_000))
        .execute();
      const commits = [...new Set(rows.map((row) => new Date(row.created_at as unknown as string).getTime()))].sort((a, b) => a - b);
      let resumed: number | undefined;
      let longest = -1;
      let previous = k.at;
      for (const at of commits) {
        if (previous > k.at + 5000 || (at > nextKill && resumed !== undefined)) break;
        if (at - previous > longest) {
          longest = at - previous;
          resumed = at;
        }
        previous = at;
      }
      let firstAccepted: number | undefined;
      for (const row of rows) {
        const parts = row.content as unknown as { type: string; text?: string }[];
        const id = ID_IN_TEXT.exec(parts.find((p) => p.type === 'text')?.text ?? '')?.[1] ?? row.external_id ?? '';
        const acceptedTime = acceptedAt.get(id);
        if (acceptedTime === undefined || acceptedTime < k.at) continue;
        const committed = new Date(row.created_at as unknown as string).getTime();
        if (firstAccepted === undefined || committed < firstAccepted) firstAccepted = committed;
      }
      recoverySeconds.push(resumed === undefined ? -1 : Math.round((resumed - k.at) / 100) / 10);
      lagSeconds.push(firstAccepted === undefined ? null : Math.round((firstAccepted - k.at) / 100) / 10);
      recoveredAt.push(Math.max(k.handled, resumed ?? k.handled));
    }
    const p99 = (values: number[]) => {
      if (values.length === 0) return null;
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
    };
    const killFigures = kills.length
      ? {
          recovery_s: recoverySeconds,
          accepted_after_kill_stored_s: lagSeconds,
          p99_ms: {
            before: p99(timings.filter((t) => t.at + t.ms < kills[0]!.at).map((t) => t.ms)),
            after: p99(timings.filter((t) => t.at > Math.max(...recoveredAt)).map((t) => t.ms)),
          },
        }
      : {};
    return {
      ...(await audit(db, world, accepted, options)),
      ...(recovery.length ? { recovery } : {}),
      ...killFigures,
      unaccepted,
      requests,
      failed_requests: failedRequests,
      faults: done,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    feed?.terminate();
    for (const name of processes.keys()) await kill(name);
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Messages waiting in the inbound shards (ready, not yet delivered to a router). */
async function inboundBacklog(amqpUrl: string, namespace: string, shards: number) {
  const urls = amqpUrl.split(',');
  let connection: Awaited<ReturnType<typeof amqp.connect>> | undefined;
  for (const url of urls) {
    try {
      connection = await amqp.connect(url);
      break;
    } catch (error) {
      if (url === urls[urls.length - 1]) throw error;
    }
  }
  if (!connection) throw new Error('no broker');
  connection.on('error', () => {});
  const depth = async () => {
    let total = 0;
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      for (let shard = 0; shard < shards; shard++) total += (await channel.checkQueue(`${namespace}.${inboundQueueName(shard)}`)).messageCount;
      await channel.close();
    } catch {
      return -1;
    }
    return total;
  };
  return { depth, close: () => connection.close().catch(() => {}) };
}

async function audit(db: World['db'], world: World, accepted: Set<string>, options: ScenarioOptions) {
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'conversation_id', 'external_id', 'content'])
    .where('channel_id', '=', world.channelId)
    .where('direction', '=', 'in')
    .orderBy('id')
    .execute();
  const copies = new Map<string, number>();
  let duplicates = 0;
  // Per conversation, the customer's sequence numbers in storage order must only go up.
  const lastSeq = new Map<string, number>();
  let orderViolations = 0;
  for (const row of rows) {
    const parts = row.content as unknown as { type: string; text?: string }[];
    const id = ID_IN_TEXT.exec(parts.find((p) => p.type === 'text')?.text ?? '')?.[1] ?? row.external_id ?? '';
    const n = (copies.get(id) ?? 0) + 1;
    copies.set(id, n);
    if (n > 1) duplicates++;
    const seq = Number(/-(\d+)$/.exec(id)?.[1] ?? -1);
    const previous = lastSeq.get(row.conversation_id) ?? -1;
    if (seq < previous) orderViolations++;
    else lastSeq.set(row.conversation_id, seq);
  }
  let stored = 0;
  for (const id of accepted) if (copies.has(id)) stored++;
  // One customer, one conversation: a second one would be a duplicate conversation.
  const conversations = await db
    .selectFrom('conversations')
    .select(['contact_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('tenant_id', '=', world.tenantId)
    .groupBy('contact_id')
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  duplicates += conversations.reduce((sum, c) => sum + Number(c.n) - 1, 0);
  const violations = await assignmentViolations(db, world.tenantId);
  const doubleAssigned = violations.filter((v) => v.includes(' while ')).length;
  const overCapacity = violations.filter((v) => v.includes('with capacity')).length;
  // And the final state: nobody holds more than their capacity.
  const holders = await db
    .selectFrom('conversations as c')
    .innerJoin('users as u', 'u.id', 'c.assignee_id')
    .select(['u.id', 'u.capacity', (eb) => eb.fn.countAll<string>().as('n')])
    .where('c.tenant_id', '=', world.tenantId)
    .where('c.status', '=', 'assigned')
    .groupBy(['u.id', 'u.capacity'])
    .execute();
  const overNow = holders.filter((h) => Number(h.n) > (h.capacity.chat ?? 0)).length;
  return {
    scenario: options.name,
    messages: options.messages,
    accepted: accepted.size,
    stored,
    lost: accepted.size - stored,
    duplicates,
    double_assigned: doubleAssigned,
    over_capacity: overCapacity + overNow,
    order_violations: orderViolations,
    invariant_violations: violations.length - doubleAssigned - overCapacity,
  };
}

/** The figures that must be 0. */
export const MUST_BE_ZERO = ['lost', 'duplicates', 'double_assigned', 'over_capacity', 'order_violations', 'invariant_violations'] as const;

/** The figures that must be 0, as an object (for a test to compare with `ALL_ZERO`). */
export const mustBeZero = (audit: Audit) => Object.fromEntries(MUST_BE_ZERO.map((k) => [k, audit[k]]));
export const ALL_ZERO = Object.fromEntries(MUST_BE_ZERO.map((k) => [k, 0]));

/**
 * The reduced run CI makes (test/faults/faults.test.ts, `npm run faults -- reduced`): every
 * webhook sent two or three times, a router killed at 30% of the stream and the console at 60%.
 */
export function reducedFaults(messages: number): Pick<ScenarioOptions, 'messages' | 'customers' | 'agents' | 'inFlight' | 'duplicateSends' | 'faults'> {
  return {
    messages,
    customers: Math.max(20, Math.round(messages / 10)),
    agents: 10,
    inFlight: 48,
    duplicateSends: true,
    faults: [
      { at: 0.3, kind: 'kill-router' },
      { at: 0.6, kind: 'kill-console' },
    ],
  };
}
