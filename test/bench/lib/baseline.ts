// Runs the bare durable pipeline (./baseline-server.ts) as its own process under the same load
// process as the end-to-end bench (./e2e-load.ts: same payload, same in-flight bound, same mix of
// customers), holds a WebSocket on it, and measures it the way the end-to-end bench measures
// Switchboard: end-to-end msgs/s, latency from the 202 to the WebSocket frame, CPU of every
// process, and the rows PostgreSQL read per message.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

export interface BaselineResult {
  messages: number;
  accepted: number;
  msgs_per_s: number;
  accept_msgs_per_s: number;
  p50_ms: number | null;
  p99_ms: number | null;
  cpu_ms_per_message: number;
  rows_read_per_message: number;
  lost: number;
}

export interface LoadResult {
  seconds: number;
  failed: number;
  behind: number;
  started: number;
  cpuSeconds: number;
  ids: string[];
  sentAt: number[];
  acceptedAt: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of every process with this command name (machine-wide: other users' too). */
export function cpuSecondsOfCommand(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) total += cpuSecondsOf(Number(entry));
    } catch {
      /* gone */
    }
  }
  return total;
}

/**
 * Rows PostgreSQL read in one database so far: sequential scans' rows plus the rows index scans
 * fetched, summed over its tables (pg_stat_user_tables; flushed about once a second).
 */
export async function rowsRead(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string | null }>('select sum(seq_tup_read + coalesce(idx_tup_fetch, 0)) as n from pg_stat_user_tables');
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** Rows PostgreSQL read so far from each table of a database (as in rowsRead). */
export async function rowsReadByTable(databaseUrl: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ relname: string; n: string }>(
      'select relname, seq_tup_read + coalesce(idx_tup_fetch, 0) as n from pg_stat_user_tables',
    );
    return new Map(rows.map((r) => [r.relname, Number(r.n)]));
  } finally {
    await client.end();
  }
}

/** The load process (./e2e-load.ts) against one URL; resolves with what it accepted and when. */
export function runLoad(options: {
  url: string;
  apiKey: string;
  messages: number;
  rate: number;
  prefix: string;
  inFlight: number;
  text: string;
  children?: ChildProcess[];
}): Promise<LoadResult> {
  const { children, ...load } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'e2e-load.ts'), JSON.stringify(load)], { cwd: root, stdio: ['ignore', 'pipe', 2] });
    children?.push(child);
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load process exited with ${code}`));
      resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadResult);
    });
  });
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1));
}

/** Starts the bare pipeline, warms it up, runs one scenario, stops it. `databaseUrl` is a database of its own. */
export async function runBaseline(options: {
  amqpUrl: string;
  databaseUrl: string;
  messages: number;
  rate: number;
  inFlight: number;
  text: string;
  drainMs?: number;
}): Promise<BaselineResult> {
  const port = await freePort();
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'baseline-server.ts'), JSON.stringify({ port, amqpUrl: options.amqpUrl, databaseUrl: options.databaseUrl })],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 2],
    },
  );
  const children: ChildProcess[] = [server];
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('exit', (code) => reject(new Error(`the baseline server exited (${code}) before it was ready`)));
      server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    });
    const seen = new Map<string, number>();
    const socket = new WebSocket(`ws://127.0.0.1:${port}/feed`);
    socket.on('message', (data) => {
      const at = performance.timeOrigin + performance.now();
      const id = (JSON.parse(String(data)) as { clientMessageId?: string }).clientMessageId;
      if (id && !seen.has(id)) seen.set(id, at);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const url = `http://127.0.0.1:${port}/messages`;
    const load = { url, apiKey: 'none', inFlight: options.inFlight, text: options.text, children };
    await runLoad({ ...load, messages: 300, rate: 0, prefix: 'bwarm' });
    await sleep(1000);

    const cpuBefore = cpuSecondsOf(server.pid!);
    const rabbitBefore = cpuSecondsOfCommand('beam.smp');
    const postgresBefore = cpuSecondsOfCommand('postgres');
    const selfBefore = process.cpuUsage();
    const readBefore = await rowsRead(options.databaseUrl);
    const result = await runLoad({ ...load, messages: options.messages, rate: options.rate, prefix: `b${Date.now().toString(36)}` });
    let lastCount = -1;
    let lastChange = Date.now();
    for (;;) {
      const count = result.ids.reduce((n, id) => n + (seen.has(id) ? 1 : 0), 0);
      if (count === result.ids.length) break;
      if (count !== lastCount) {
        lastCount = count;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > (options.drainMs ?? 20_000)) break;
      await sleep(100);
    }
    await sleep(1200); // statistics are flushed about once a second
    const read = (await rowsRead(options.databaseUrl)) - readBefore;
    const self = process.cpuUsage(selfBefore);
    const cpu =
      cpuSecondsOf(server.pid!) -
      cpuBefore +
      (cpuSecondsOfCommand('beam.smp') - rabbitBefore) +
      (cpuSecondsOfCommand('postgres') - postgresBefore) +
      result.cpuSeconds +
      (self.user + self.system) / 1e6;
    socket.close();
    const latencies: number[] = [];
    let lastSeen = 0;
    for (let i = 0; i < result.ids.length; i++) {
      const at = seen.get(result.ids[i]!);
      if (at === undefined) continue;
      latencies.push(at - result.acceptedAt[i]!);
      if (at > lastSeen) lastSeen = at;
    }
    latencies.sort((a, b) => a - b);
    const seconds = ((lastSeen || performance.timeOrigin + performance.now()) - result.started) / 1000;
    const accepted = Math.max(1, result.ids.length);
    return {
      messages: options.messages,
      accepted: result.ids.length,
      msgs_per_s: Math.round(latencies.length / seconds),
      accept_msgs_per_s: Math.round(result.ids.length / result.seconds),
      p50_ms: percentile(latencies, 0.5),
      p99_ms: percentile(latencies, 0.99),
      cpu_ms_per_message: Number(((cpu * 1000) / accepted).toFixed(2)),
      rows_read_per_message: Number((read / accepted).toFixed(1)),
      lost: result.ids.length - latencies.length,
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    for (let i = 0; i < 50 && children.some((c) => c.exitCode === null && c.signalCode === null); i++) await sleep(100);
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
