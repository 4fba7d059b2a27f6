// How fast a WeChat Official Account push in the safe (AES) mode is answered: HTTP in, signature
// and msg_signature checked, AES decrypted, XML parsed, normalized, published with a publisher
// confirm, the follower's reply window opened (a PostgreSQL upsert), then "success". The load is
// open-loop at a fixed rate (1,000 pushes/s by default), each push a new message, encrypted
// before the run so the client's crypto does not compete with the server's during it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../core/config/config.js';
import { createLogger } from '../../core/log/logger.js';
import { createChannel } from '../../core/connector/channels.js';
import { connectorDeps } from '../../console/cli/gateway.js';
import { startProcess } from '../../console/cli/start.js';
import { wechatPush } from '../fakes/wechat-callbacks.js';
import { emptyPgDatabase } from '../support/services.js';

const rate = Number(process.env.BENCH_WECHAT_RATE ?? 1000);
const seconds = Number(process.env.BENCH_WECHAT_SECONDS ?? 10);
const account = { appId: 'wx2c2769f8efd9abc2', appSecret: 'f0e1d2c3b4a5968778695a4b3c2d1e0f', token: 'spamtest', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };

const database = await emptyPgDatabase();
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: database.url,
  AMQP_URL: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  BUS_NAMESPACE: `bench_${process.pid}`,
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
  const total = Math.round(rate * seconds);
  const now = Math.floor(Date.now() / 1000);
  const pushes = Array.from({ length: total }, (_, i) => {
    const xml = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oBench${String(i % 2000).padStart(22, '0')}]]></FromUserName><CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好，我的订单 ${i} 什么时候发货？]]></Content><MsgId>${7_000_000_000_000_000_000n + BigInt(i)}</MsgId></xml>`;
    return wechatPush(account, xml, 'safe');
  });
  const url = `${running.url}/hooks/${channel.id}`;
  const post = async (push: { query: string; body: string }) => {
    const started = performance.now();
    const response = await fetch(`${url}?${push.query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: push.body });
    const text = await response.text();
    if (response.status !== 200 || text !== 'success') throw new Error(`status ${response.status}: ${text}`);
    return performance.now() - started;
  };
  // Warm up connections and caches with a push of its own.
  const warm = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oWarm]]></FromUserName><CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>1</MsgId></xml>`;
  for (let i = 0; i < 50; i++) await post(wechatPush(account, warm, 'safe'));

  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    for (; sent < due; sent++) {
      inFlight.push(
        post(pushes[sent]!).then(
          (ms) => void latencies.push(ms),
          (error: unknown) => {
            if (errors++ === 0) process.stderr.write(`first error: ${error instanceof Error ? error.message : String(error)}\n`);
          },
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? Number.NaN).toFixed(2));
  process.stdout.write(
    JSON.stringify({
      scenario: 'wechat_oa_safe_mode_webhook',
      target_per_s: rate,
      achieved_per_s: Math.round(total / elapsed),
      requests: total,
      errors,
      p50_ms: pct(0.5),
      p99_ms: pct(0.99),
      max_ms: Number((latencies.at(-1) ?? Number.NaN).toFixed(2)),
      p99_under_500_ms: pct(0.99) < 500,
    }) + '\n',
  );
} finally {
  await running.stop();
  await database.drop();
}
