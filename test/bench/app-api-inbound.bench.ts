// How fast the gateway accepts app API messages: HTTP in, API key checked (a PostgreSQL update),
// HMAC verified, normalized, published to the inbound shard with a publisher confirm, then 202.
// Sequential requests give the accept latency; 50 at a time give the throughput.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../core/config/config.js';
import { createLogger } from '../../core/log/logger.js';
import { createChannel } from '../../core/connector/channels.js';
import { signPayload } from '../../core/connector/signatures.js';
import { connectorDeps } from '../../app/gateway.js';
import { startProcess } from '../../app/start.js';
import { emptyPgDatabase } from '../support/services.js';
import { deleteNamespaceQueues } from './lib/purge.js';

const SIGNING = 'bench-signing-secret-0123456789';
const sequential = Number(process.env.BENCH_SEQUENTIAL ?? 500);
const concurrent = Number(process.env.BENCH_MESSAGES ?? 5000);
const concurrency = 50;

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
  const { channel, apiKey } = await createChannel(await connectorDeps(running.ctx), tenant.id, {
    type: 'app-api',
    name: 'Bench',
    config: { webhookSecret: 'bench-webhook-secret-0123456789', signingSecret: SIGNING },
  });
  const url = `${running.url}/hooks/${channel.id}/messages`;
  let n = 0;
  const post = async () => {
    const body = JSON.stringify({ clientMessageId: `b-${n++}`, user: { id: `u-${n % 1000}` }, text: 'Hello, I need help with my order 12345.' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${apiKey}`,
        'x-switchboard-timestamp': timestamp,
        'x-switchboard-signature': signPayload(SIGNING, timestamp, body),
      },
      body,
    });
    await response.arrayBuffer();
    if (response.status !== 202) throw new Error(`status ${response.status}`);
    return performance.now() - started;
  };
  const latencies: number[] = [];
  for (let i = 0; i < sequential; i++) latencies.push(await post());
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(2));
  const started = performance.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < concurrent) {
        sent++;
        await post();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    JSON.stringify({
      scenario: 'app_api_inbound_accept',
      sequential,
      p50_ms: pct(0.5),
      p99_ms: pct(0.99),
      concurrent_requests: concurrent,
      concurrency,
      accepted_per_s: Math.round(concurrent / seconds),
    }) + '\n',
  );
} finally {
  await running.stop();
  await database.drop();
  await deleteNamespaceQueues(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', namespace);
}
