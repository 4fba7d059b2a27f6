// Private RabbitMQ nodes and PostgreSQL clusters on spare loopback ports, for the fault runs that
// stop a broker or restart a database: the machine's own services (rabbit@localhost on 5672,
// PostgreSQL 15/main on 5432) are shared, so a fault run breaks only what it started here, and
// tears it down again at the end — also on Ctrl-C, SIGTERM or a crash of the run.
//
// Facts these rely on (RabbitMQ 3.10, PostgreSQL 15 from Debian): a RabbitMQ node needs its own
// HOME (the Erlang cookie lives there; the CLI must see the same one), an empty
// RABBITMQ_CONF_ENV_FILE (else /etc/rabbitmq/rabbitmq-env.conf forces the name rabbit@localhost),
// its name, ports, directories, and /usr/lib/rabbitmq/bin first on PATH (the /usr/sbin wrappers
// switch user and lose that environment). A PostgreSQL cluster is made with pg_createcluster
// (trust on loopback) and driven with pg_ctlcluster; pg_dropcluster --stop removes it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a TCP port on 127.0.0.1 can be listened on right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP port on 127.0.0.1 nobody listens on right now, below Linux's ephemeral range (32768 and
 * up): a port from that range can be taken, between this check and the node's start, as the local
 * end of any process's outgoing connection (a busy test run makes thousands).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port between 20000 and 32000 on 127.0.0.1');
}

interface Run {
  code: number | null;
  output: string;
}

/** Runs a command to its end; never throws (the caller decides what a failure means). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, output: String(error) });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function must(command: string, args: string[], env?: NodeJS.ProcessEnv, timeoutMs?: number): Promise<string> {
  const result = await run(command, args, env, timeoutMs);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.code}: ${result.output.trim().slice(-2000)}`);
  return result.output;
}

// --- teardown, whatever happens ---

/** Synchronous last resorts, run on process exit if the orderly teardown did not get to them. */
const lastResorts = new Map<object, () => void>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const resort of lastResorts.values()) {
      try {
        resort();
      } catch {
        /* best effort */
      }
    }
  });
  // Without these, Ctrl-C ends node without 'exit' handlers running.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`private services: ${signal}, tearing down\n`);
      process.exit(130);
    });
  }
}

// --- RabbitMQ ---

export interface PrivateRabbit {
  readonly nodename: string;
  readonly port: number;
  /** amqp://guest:guest@127.0.0.1:<port> — guest may log in over loopback. */
  readonly url: string;
  /** `rabbitmqctl stop_app`: the node stays up, the broker inside it stops (connections closed). */
  stopApp(): Promise<void>;
  startApp(): Promise<void>;
  /** Runs `rabbitmqctl <args>` against this node and returns its output. */
  ctl(...args: string[]): Promise<string>;
  /** SIGKILL the node's Erlang VM (a host crash). */
  kill(): Promise<void>;
  /** Starts the node again after kill() and waits until it takes connections. */
  start(): Promise<void>;
  /** Stops the node and removes everything it wrote. */
  teardown(): Promise<void>;
}

export interface PrivateRabbitOptions {
  /** Short name: the node is `<name>@localhost`. */
  name: string;
  port?: number;
  distPort?: number;
  /** The Erlang cookie: nodes that are to form a cluster share one. */
  cookie?: string;
  log?: (line: string) => void;
}

/** Starts a RabbitMQ node of its own (about 5–10 s) and waits until it takes connections. */
export async function startPrivateRabbit(options: PrivateRabbitOptions): Promise<PrivateRabbit> {
  hookExit();
  const port = options.port ?? (await freePort());
  const distPort = options.distPort ?? (await freePort());
  const nodename = `${options.name}@localhost`;
  const base = mkdtempSync(join(tmpdir(), `sb-rabbit-${options.name}-`));
  const home = join(base, 'home');
  mkdirSync(home);
  if (options.cookie) writeFileSync(join(home, '.erlang.cookie'), options.cookie, { mode: 0o400 });
  for (const dir of ['mnesia', 'log']) mkdirSync(join(base, dir));
  writeFileSync(join(base, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\nloopback_users = none\n`);
  writeFileSync(join(base, 'enabled_plugins'), '[].\n');
  writeFileSync(join(base, 'empty-env.conf'), '');
  const pidFile = join(base, 'node.pid');
  const env: NodeJS.ProcessEnv = {
    PATH: `/usr/lib/rabbitmq/bin:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    LANG: process.env.LANG ?? 'C.UTF-8',
    RABBITMQ_CONF_ENV_FILE: join(base, 'empty-env.conf'),
    RABBITMQ_NODENAME: nodename,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(base, 'mnesia'),
    RABBITMQ_LOG_BASE: join(base, 'log'),
    RABBITMQ_CONFIG_FILE: join(base, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(base, 'enabled_plugins'),
    RABBITMQ_PID_FILE: pidFile,
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  // stop_app waits for every queue to stop: minutes on a saturated machine.
  const ctl = (...args: string[]) => must('rabbitmqctl', ['-n', nodename, ...args], env, 600_000);
  const beamPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      return pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  let server: ChildProcess | undefined;
  const key = {};
  // If the run dies before teardown: kill the node's beam (never anything else) and its files.
  lastResorts.set(key, () => {
    const pid = beamPid();
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(base, { recursive: true, force: true });
  });
  let tornDown = false;
  const teardown = async () => {
    if (tornDown) return;
    tornDown = true;
    await run('rabbitmqctl', ['-n', nodename, 'stop'], env, 60_000);
    const pid = beamPid();
    if (pid) {
      for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    if (server && server.exitCode === null) server.kill('SIGKILL');
    rmSync(base, { recursive: true, force: true });
    lastResorts.delete(key);
  };
  const boot = async () => {
    server = spawn('rabbitmq-server', [], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    const own = server;
    let serverOutput = '';
    own.stdout!.on('data', (chunk) => (serverOutput = (serverOutput + chunk).slice(-4000)));
    own.stderr!.on('data', (chunk) => (serverOutput = (serverOutput + chunk).slice(-4000)));
    // ~10 s on a quiet machine; minutes when other suites keep both cores busy.
    const startMs = Number(process.env.PRIVATE_SERVICES_START_MS ?? 600_000);
    const deadline = Date.now() + startMs;
    for (;;) {
      if (own.exitCode !== null) throw new Error(`rabbitmq-server ${nodename} exited (${own.exitCode}): ${serverOutput.trim()}`);
      const waited = await run('rabbitmqctl', ['-n', nodename, 'await_startup', '--timeout', '30'], env, 60_000);
      if (waited.code === 0) break;
      if (Date.now() > deadline) throw new Error(`RabbitMQ node ${nodename} not up in ${startMs / 1000} s: ${waited.output.trim()} ${serverOutput.trim()}`);
      await sleep(200);
    }
  };
  try {
    await boot();
    options.log?.(`RabbitMQ ${nodename} up on 127.0.0.1:${port}`);
  } catch (error) {
    await teardown();
    throw error;
  }
  return {
    nodename,
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    ctl,
    stopApp: async () => {
      await ctl('stop_app');
    },
    startApp: async () => {
      await ctl('start_app');
      await ctl('await_startup', '--timeout', '60');
    },
    kill: async () => {
      const pid = beamPid();
      if (!pid) throw new Error(`no pid for ${nodename}`);
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 100 && alive(pid); i++) await sleep(20);
      const own = server;
      if (own && own.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 200));
      rmSync(pidFile, { force: true });
    },
    start: boot,
    teardown,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// --- PostgreSQL ---

export interface PrivatePostgres {
  readonly cluster: string;
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  /** `pg_ctlcluster 15 <name> restart` (fast shutdown: sessions are cut, then it starts again). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and drops the cluster, data directory included. */
  teardown(): Promise<void>;
}

export interface PrivatePostgresOptions {
  /** Cluster name under /etc/postgresql/<version>/. */
  name: string;
  version?: string;
  port?: number;
  /** Lines appended to the cluster's postgresql.conf. */
  settings?: string[];
  log?: (line: string) => void;
}

/** Creates and starts a PostgreSQL cluster of its own (a few seconds). */
export async function startPrivatePostgres(options: PrivatePostgresOptions): Promise<PrivatePostgres> {
  hookExit();
  const version = options.version ?? '15';
  const name = options.name;
  const port = options.port ?? (await freePort());
  if (existsSync(`/etc/postgresql/${version}/${name}`)) throw new Error(`a PostgreSQL cluster ${version}/${name} exists already`);
  const key = {};
  let created = false;
  // If the run dies before teardown: stop and drop what it created (synchronously, on exit).
  lastResorts.set(key, () => {
    if (created) spawnSync('pg_dropcluster', ['--stop', version, name], { stdio: 'ignore', timeout: 60_000 });
  });
  let tornDown = false;
  const teardown = async () => {
    if (tornDown) return;
    tornDown = true;
    if (created) await run('pg_dropcluster', ['--stop', version, name], process.env, 120_000);
    lastResorts.delete(key);
  };
  const ctl = (action: string) => must('pg_ctlcluster', [version, name, action], process.env, 120_000);
  try {
    created = true;
    await must('pg_createcluster', [version, name, '-p', String(port), '--start-conf', 'manual', '--', '--auth-local=trust', '--auth-host=trust']);
    const conf = `/etc/postgresql/${version}/${name}/postgresql.conf`;
    const extra = ["listen_addresses = '127.0.0.1'", ...(options.settings ?? [])];
    writeFileSync(conf, `${readFileSync(conf, 'utf8')}\n# private fault-run cluster\n${extra.join('\n')}\n`);
    await ctl('start');
    options.log?.(`PostgreSQL ${version}/${name} up on 127.0.0.1:${port}`);
  } catch (error) {
    await teardown();
    throw error;
  }
  return {
    cluster: `${version}/${name}`,
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async () => {
      await ctl('restart');
    },
    stop: async () => {
      await ctl('stop');
    },
    start: async () => {
      await ctl('start');
    },
    teardown,
  };
}

// --- a RabbitMQ cluster ---

export interface PrivateRabbitCluster {
  readonly nodes: PrivateRabbit[];
  /** Every node's address, first node first: AMQP_URL for the processes. */
  readonly url: string;
  /** The node that leads the quorum queue `queue` now (from `rabbitmq-queues quorum_status`). */
  leaderOf(queue: string): Promise<PrivateRabbit>;
  teardown(): Promise<void>;
}

/** Three (or `size`) RabbitMQ nodes joined into one cluster, about 15 s. */
export async function startRabbitCluster(options: { name: string; size?: number; log?: (line: string) => void }): Promise<PrivateRabbitCluster> {
  const size = options.size ?? 3;
  const cookie = `SBFAULTS${Array.from({ length: 20 }, () => String.fromCharCode(65 + Math.floor(Math.random() * 26))).join('')}`;
  const nodes: PrivateRabbit[] = [];
  const teardown = async () => {
    // The joined nodes first: the first one then stops alone.
    for (const node of [...nodes].reverse()) await node.teardown().catch(() => {});
  };
  try {
    const started = await Promise.allSettled(
      Array.from({ length: size }, (_, i) => startPrivateRabbit({ name: `${options.name}${i + 1}`, cookie, log: options.log })),
    );
    for (const result of started) if (result.status === 'fulfilled') nodes.push(result.value);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    for (const node of nodes.slice(1)) {
      await node.ctl('stop_app');
      await node.ctl('join_cluster', nodes[0]!.nodename);
      await node.ctl('start_app');
      await node.ctl('await_startup', '--timeout', '120');
    }
    options.log?.(`RabbitMQ cluster ${nodes.map((n) => n.nodename).join(', ')}`);
  } catch (error) {
    await teardown();
    throw error;
  }
  return {
    nodes,
    url: nodes.map((n) => n.url).join(','),
    leaderOf: async (queue) => {
      let lastError: unknown;
      // Ask any node that answers.
      for (const node of nodes) {
        try {
          const output = await node.ctl(
            'eval',
            `{ok, Q} = rabbit_amqqueue:lookup(rabbit_misc:r(<<"/">>, queue, <<"${queue}">>)), {_, Leader} = amqqueue:get_pid(Q), io:format("~s~n", [Leader]).`,
          );
          const leader = nodes.find((n) => output.includes(n.nodename));
          if (leader) return leader;
          lastError = new Error(`no leader in ${output}`);
        } catch (error) {
          lastError = error;
        }
      }
      throw lastError;
    },
    teardown,
  };
}

// --- PostgreSQL: a primary with a synchronous standby ---

export interface PrivatePostgresPair {
  readonly primary: PrivatePostgres;
  readonly standby: PrivatePostgres;
  /** Both hosts, libpq style, target_session_attrs=read-write; database `postgres`. */
  readonly url: string;
  /** SIGKILL the primary's postmaster and children, promote the standby; resolves with the kill's time once it takes writes. */
  failover(): Promise<{ killedAt: number }>;
  teardown(): Promise<void>;
}

function postmasterPid(cluster: string): number | undefined {
  const [version, name] = cluster.split('/');
  try {
    const dataDir = readFileSync(`/etc/postgresql/${version}/${name}/postgresql.conf`, 'utf8').match(/^data_directory\s*=\s*'([^']+)'/m)?.[1];
    if (!dataDir) return undefined;
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const result = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return (result.stdout ?? '')
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
}

/** A primary and a synchronous standby (pg_basebackup), about 6 s. */
export async function startPostgresPair(options: { name: string; log?: (line: string) => void }): Promise<PrivatePostgresPair> {
  const standbyName = `${options.name}_standby`;
  const primary = await startPrivatePostgres({
    name: `${options.name}_primary`,
    settings: [
      'wal_level = replica',
      `synchronous_standby_names = '"${standbyName}"'`,
      'wal_log_hints = on',
      'max_wal_senders = 10',
      'max_replication_slots = 10',
    ],
    log: options.log,
  });
  let standby: PrivatePostgres | undefined;
  let failedOver = false;
  const teardown = async () => {
    if (failedOver) {
      // The killed primary left its socket and lock in /var/run/postgresql: only if its pid is dead.
      const lock = `/var/run/postgresql/.s.PGSQL.${primary.port}.lock`;
      try {
        const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
        if (!(pid > 0) || !alive(pid)) {
          rmSync(lock, { force: true });
          rmSync(`/var/run/postgresql/.s.PGSQL.${primary.port}`, { force: true });
        }
      } catch {
        /* none */
      }
    }
    await standby?.teardown().catch(() => {});
    await primary.teardown().catch(() => {});
  };
  try {
    standby = await startPrivatePostgres({ name: standbyName, settings: ['max_wal_senders = 10', 'max_replication_slots = 10'], log: options.log });
    await standby.stop();
    const dataDir = readFileSync(`/etc/postgresql/15/${standbyName}/postgresql.conf`, 'utf8').match(/^data_directory\s*=\s*'([^']+)'/m)![1]!;
    // Emptied, not removed: its parent belongs to root, the directory to postgres.
    for (const entry of readdirSync(dataDir)) rmSync(join(dataDir, entry), { recursive: true, force: true });
    await must('runuser', [
      '-u',
      'postgres',
      '--',
      'pg_basebackup',
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      dataDir,
      '-R',
      '-X',
      'stream',
      '-C',
      '-S',
      `${options.name}_slot`,
      '-c',
      'fast',
    ]);
    const auto = join(dataDir, 'postgresql.auto.conf');
    writeFileSync(auto, readFileSync(auto, 'utf8').replace("primary_conninfo = '", `primary_conninfo = 'application_name=${standbyName} `));
    await standby.start();
    // Streaming and synchronous before any traffic.
    for (let i = 0; ; i++) {
      const state = await must('psql', [
        '-h',
        '127.0.0.1',
        '-p',
        String(primary.port),
        '-U',
        'postgres',
        '-Atc',
        'select state, sync_state from pg_stat_replication',
      ]);
      if (state.trim() === 'streaming|sync') break;
      if (i > 300) throw new Error(`standby not synchronous: ${state}`);
      await sleep(100);
    }
    options.log?.(`PostgreSQL ${standby.cluster} streams synchronously from ${primary.cluster}`);
  } catch (error) {
    await teardown();
    throw error;
  }
  const pair: PrivatePostgresPair = {
    primary,
    standby,
    url: `postgres://postgres@127.0.0.1:${primary.port},127.0.0.1:${standby.port}/postgres?target_session_attrs=read-write`,
    failover: async () => {
      const pid = postmasterPid(primary.cluster);
      if (!pid) throw new Error(`no postmaster pid for ${primary.cluster}`);
      const children = childrenOf(pid);
      failedOver = true;
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      for (const child of children) {
        try {
          process.kill(child, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      await must('psql', ['-h', '127.0.0.1', '-p', String(standby!.port), '-U', 'postgres', '-Atc', 'select pg_promote(true, 60)']);
      return { killedAt };
    },
    teardown,
  };
  return pair;
}
