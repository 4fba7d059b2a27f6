// How the cost of the whole path grows with the number of messages and of agents. Each point is
// a run of end-to-end.bench.ts on its own (a fresh database, fresh Switchboard processes, the raw
// broker ceiling measured again), its throughput scenario only:
//   sweep_messages  BENCH_SWEEP_MESSAGES (default 1000,10000,100000) with BENCH_SWEEP_BASE_AGENTS (100)
//   sweep_agents    BENCH_SWEEP_AGENTS (default 10,100,1000) with BENCH_SWEEP_BASE_MESSAGES (10000)
// The point both share runs once and is printed under both names. Every point prints one JSON
// line: the end-to-end fields (msgs_per_s, p50/p95/p99, ratio_to_raw, rss_mb per process,
// routing_decision_p99_ms, cpu_ms_per_message, db_per_message) with `scenario` set to the sweep's
// name. Env as for end-to-end.bench.ts (DATABASE_URL, AMQP_URL, BENCH_IN_FLIGHT, ...).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const list = (value: string | undefined, fallback: number[]) =>
  value
    ? value
        .split(',')
        .map((v) => Number(v.trim()))
        .filter((n) => Number.isInteger(n) && n > 0)
    : fallback;
const MESSAGES = list(process.env.BENCH_SWEEP_MESSAGES, [1000, 10_000, 100_000]);
const AGENTS = list(process.env.BENCH_SWEEP_AGENTS, [10, 100, 1000]);
const BASE_AGENTS = Number(process.env.BENCH_SWEEP_BASE_AGENTS ?? 100);
const BASE_MESSAGES = Number(process.env.BENCH_SWEEP_BASE_MESSAGES ?? 10_000);
const log = (line: string) => process.stderr.write(`sweep: ${line}\n`);

function runPoint(messages: number, agents: number): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'end-to-end.bench.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        BENCH_SCENARIOS: 'throughput',
        BENCH_MESSAGES: String(messages),
        BENCH_AGENTS: String(agents),
        BENCH_LABEL: `sweep_${messages}_${agents}`,
      },
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    const stop = () => child.kill('SIGTERM');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    child.once('exit', (code) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      const line = Buffer.concat(chunks).toString('utf8').trim().split('\n').filter(Boolean).at(-1);
      if (code !== 0 || !line) {
        log(`${messages} messages, ${agents} agents: failed (exit ${code})`);
        return resolve(undefined);
      }
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}

const points = new Map<string, { messages: number; agents: number; names: string[] }>();
const add = (name: string, messages: number, agents: number) => {
  const key = `${messages}|${agents}`;
  const point = points.get(key) ?? { messages, agents, names: [] };
  point.names.push(name);
  points.set(key, point);
};
for (const messages of MESSAGES) add('sweep_messages', messages, BASE_AGENTS);
for (const agents of AGENTS) add('sweep_agents', BASE_MESSAGES, agents);

let failed = 0;
for (const point of points.values()) {
  log(`${point.messages} messages, ${point.agents} agents`);
  const result = await runPoint(point.messages, point.agents);
  if (!result) {
    failed++;
    continue;
  }
  for (const name of point.names) process.stdout.write(`${JSON.stringify({ ...result, scenario: name })}\n`);
}
process.exit(failed ? 1 : 0);
