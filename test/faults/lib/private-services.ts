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
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port on 127.0.0.1 nobody listens on right now. */
export function freePort(): Promise<number> {
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
  /** Stops the node and removes everything it wrote. */
  teardown(): Promise<void>;
}

export interface PrivateRabbitOptions {
  /** Short name: the node is `<name>@localhost`. */
  name: string;
  port?: number;
  distPort?: number;
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
  const ctl = (...args: string[]) => must('rabbitmqctl', ['-n', nodename, ...args], env);
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
  try {
    server = spawn('rabbitmq-server', [], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    let serverOutput = '';
    server.stdout!.on('data', (chunk) => (serverOutput = (serverOutput + chunk).slice(-4000)));
    server.stderr!.on('data', (chunk) => (serverOutput = (serverOutput + chunk).slice(-4000)));
    // ~10 s on a quiet machine; minutes when other suites keep both cores busy.
    const startMs = Number(process.env.PRIVATE_SERVICES_START_MS ?? 300_000);
    const deadline = Date.now() + startMs;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`rabbitmq-server ${nodename} exited (${server.exitCode}): ${serverOutput.trim()}`);
      const waited = await run('rabbitmqctl', ['-n', nodename, 'await_startup', '--timeout', '30'], env, 60_000);
      if (waited.code === 0) break;
      if (Date.now() > deadline) throw new Error(`RabbitMQ node ${nodename} not up in ${startMs / 1000} s: ${waited.output.trim()} ${serverOutput.trim()}`);
      await sleep(500);
    }
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
