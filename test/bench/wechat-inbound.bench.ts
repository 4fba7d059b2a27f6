// How fast a WeChat Official Account push in the safe (AES) mode is answered: HTTP in, signature
// and msg_signature checked, AES decrypted, XML parsed, normalized, published with a publisher
// confirm, the follower's reply window opened (a PostgreSQL upsert), then "success". The load is
// open-loop at a fixed rate (1,000 pushes/s by default), each push a new message, encrypted
// before the run, by a load process of its own, so the client's work does not compete with the
// server's event loop during it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../core/config/config.js';
import { createLogger } from '../../core/log/logger.js';
import { createChannel } from '../../core/connector/channels.js';
import { connectorDeps } from '../../app/gateway.js';
import { startProcess } from '../../app/start.js';
import { emptyPgDatabase } from '../support/services.js';
import { deleteNamespaceQueues } from './lib/purge.js';

const rate = Number(process.env.BENCH_WECHAT_RATE ?? 1000);
const seconds = Number(process.env.BENCH_WECHAT_SECONDS ?? 10);
const account = {
  appId: 'wx2c2769f8efd9abc2',
  appSecret: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
  token: 'spamtest',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

const database = await emptyPgDatabase();
const namespace = `bench_${process.pid}`;
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: database.url,
  AMQP_URL: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  BUS_NAMESPACE: namespace,
  SECRET_KEY: 'ef'.repeat(32),
  DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-bench-')),
  LOG_LEVEL: 'silent',
});
const running = await startProcess(config, ['gateway'], createLogger('silent'));
try {
  const tenant = await running.ctx.database.db.insertInto('tenants').values({ slug: 'bench', name: 'Bench' }).returning('id').executeTakeFirstOrThrow();
  const { channel } = await createChannel(await connectorDeps(running.ctx), tenant.id, {
    type: 'wechat-oa',
    name: 'Bench',
    config: { ...account, mode: 'safe', apiBaseUrl: 'http://127.0.0.1:9' },
  });
  const url = `${running.url}/hooks/${channel.id}`;
  // The load runs in a process of its own (test/bench/lib/wechat-load.ts): in this one its HTTP
  // client would compete with the gateway for the same event loop and the figure would measure both.
  const here = dirname(fileURLToPath(import.meta.url));
  // Spawned asynchronously: this process's event loop is the gateway's and must keep serving.
  const load = spawn(process.execPath, ['--import', 'tsx', join(here, 'lib', 'wechat-load.ts'), JSON.stringify({ url, account, rate, seconds })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  load.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const [code, signal] = (await once(load, 'close')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) throw new Error(`the load process failed (exit ${code ?? signal})`);
  const result = JSON.parse(stdout) as { total: number; elapsed: number; errors: number; firstError?: string; latencies: number[] };
  if (result.firstError) process.stderr.write(`first error: ${result.firstError}\n`);
  const latencies = result.latencies.sort((a, b) => a - b);
  const pct = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? Number.NaN).toFixed(2));
  const rss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
  process.stdout.write(
    JSON.stringify({
      scenario: 'wechat_oa_safe_mode_webhook',
      target_per_s: rate,
      achieved_per_s: Math.round(result.total / result.elapsed),
      requests: result.total,
      answered: latencies.length,
      errors: result.errors,
      p50_ms: pct(0.5),
      p99_ms: pct(0.99),
      max_ms: Number((latencies.at(-1) ?? Number.NaN).toFixed(2)),
      p99_under_500_ms: result.errors === 0 && pct(0.99) < 500,
      gateway_peak_rss_mb: Math.round(rss / 1024),
    }) + '\n',
  );
} finally {
  await running.stop();
  await database.drop();
  await deleteNamespaceQueues(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', namespace);
}
