// Inbound messages through the router's pipeline (dedupe, identify, thread, route, assign, outbox)
// in batches, as one shard consumer commits them. Scenarios: new conversations (every message
// from a new customer), follow-ups (messages into open conversations), and the end-to-end mix
// (30% from new customers, 70% into open conversations; BENCH_MIXED messages, default 10,000) in
// fifths, to show whether the cost per message grows as conversations pile up. 20 agents online,
// rules on. Needs no broker. Uses DATABASE_URL (a fresh database beside it) if set, else an
// in-memory PGlite; on PostgreSQL it also reports the rows read per message. The mix reports the
// statements sent per batch too. BENCH_RULES adds that many rules that match nothing (a company's
// longer set-up; default 0). Last, on PostgreSQL: one busy company's messages through four shards
// at once (BENCH_SHARDED messages, default 2,000, the mix above), with how long each routing
// batch held the company's routing lock.
// BENCH_ONLY picks scenarios: new, follow-ups, mixed, shards (comma-separated).
import { processInbound } from '../../router/pipeline/process-batch.js';
import { inboundPipeline } from '../../app/pipeline.js';
import { freshDatabase } from '../support/services.js';
import { sql } from 'kysely';
import { addAgent, addGroup, addRule, createWorld, customerMessages, envelope, setDefaultGroup } from '../support/router-world.js';
import { LockTimer, quantile } from './lib/lock-timer.js';

const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const MIXED = Number(process.env.BENCH_MIXED ?? 10_000);
const EXTRA_RULES = Number(process.env.BENCH_RULES ?? 0);
const SHARDED = Number(process.env.BENCH_SHARDED ?? 2000);
const SHARDS = 4;
// BENCH_ONLY: a comma-separated list of the scenarios to run (new, follow-ups, mixed, shards).
const only = process.env.BENCH_ONLY?.split(',');
const runs = (name: string) => !only || only.includes(name);
const handle = await freshDatabase();
try {
  const world = await createWorld(handle.db, 'pipeline-bench');
  const support = await addGroup(world, 'Support');
  const sales = await addGroup(world, 'Sales', { strategy: 'least_busy' });
  await setDefaultGroup(world, support);
  await addRule(world, 1, [{ type: 'keyword', anyOf: ['buy'] }], { groupId: sales });
  for (let i = 0; i < EXTRA_RULES; i++) await addRule(world, 2 + i, [{ type: 'keyword', anyOf: [`never-said-${i}`] }], { groupId: sales });
  for (let i = 0; i < 20; i++)
    await addAgent(world, `agent-${i}`, { groups: i % 2 ? [support] : [support, sales], capacity: { chat: 100 + Math.ceil(MIXED / 20) } });

  const scenario = async (name: string, envelopes: ReturnType<typeof customerMessages>) => {
    const latencies: number[] = [];
    const start = performance.now();
    for (let i = 0; i < envelopes.length; i += BATCH) {
      const t = performance.now();
      await handle.db.transaction().execute((trx) => processInbound(trx, envelopes.slice(i, i + BATCH), { pipeline: inboundPipeline }));
      latencies.push(performance.now() - t);
    }
    const seconds = (performance.now() - start) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2));
    process.stdout.write(
      `${JSON.stringify({ scenario: name, messages: envelopes.length, batch: BATCH, database: handle.kind, msg_per_s: Math.round(envelopes.length / seconds), batch_p50_ms: at(0.5), batch_p99_ms: at(0.99) })}\n`,
    );
  };
  if (runs('new')) await scenario('pipeline-new-conversations', customerMessages(world, 2000, 1, 'new'));
  if (runs('follow-ups')) await scenario('pipeline-follow-ups', customerMessages(world, 200, 10, 'new').slice(200));

  // The end-to-end bench's mix, in fifths.
  let rng = 0x2545f491;
  const random = () => {
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    return (rng >>> 0) / 0x1_0000_0000;
  };
  let customers = 0;
  const customersSoFar: number[] = [];
  const mixed = Array.from({ length: MIXED }, (_, i) => {
    const customer = customers === 0 || random() < 0.3 ? customers++ : Math.floor(random() * customers);
    customersSoFar.push(customers);
    return envelope(world, { from: `mix-${customer}`, id: `mix-${i}`, text: `${customer % 5 === 0 ? 'buy ' : ''}message ${i}` });
  });
  const rowsRead = async () => {
    if (handle.kind !== 'pg') return 0;
    await sql`select pg_stat_clear_snapshot()`.execute(handle.db);
    // Rows the scans read: sequential scans' rows plus the rows index scans fetched, over every table.
    const { rows } = await sql<{ n: string }>`select sum(seq_tup_read + coalesce(idx_tup_fetch, 0)) as n from pg_stat_user_tables`.execute(handle.db);
    return Number(rows[0]?.n ?? 0);
  };
  const fifth = Math.ceil(MIXED / 5);
  for (let part = 0; part < (runs('mixed') ? 5 : 0); part++) {
    const slice = mixed.slice(part * fifth, (part + 1) * fifth);
    const before = await rowsRead();
    const start = performance.now();
    let statements = 0;
    let locked = 0;
    for (let i = 0; i < slice.length; i += BATCH) {
      const timer = new LockTimer();
      await handle.db
        .withPlugin(timer)
        .transaction()
        .execute((trx) => processInbound(trx, slice.slice(i, i + BATCH), { pipeline: inboundPipeline }));
      statements += timer.statements;
      locked += timer.statementsLocked;
    }
    const batches = Math.ceil(slice.length / BATCH);
    const seconds = (performance.now() - start) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 700)); // statistics are flushed about once a second
    const read = (await rowsRead()) - before;
    process.stdout.write(
      `${JSON.stringify({ scenario: 'pipeline-mixed', part: part + 1, messages: slice.length, conversations: customersSoFar[Math.min(MIXED, (part + 1) * fifth) - 1], batch: BATCH, database: handle.kind, msg_per_s: Math.round(slice.length / seconds), rows_read_per_message: handle.kind === 'pg' ? Number((read / slice.length).toFixed(1)) : null, statements_per_batch: Math.round(statements / batches), statements_under_lock_per_batch: Math.round(locked / batches) })}\n`,
    );
  }
  if (handle.kind === 'pg' && runs('mixed')) {
    // On stderr: the tables read the most (an unselective index or a count that grows shows here).
    await new Promise((resolve) => setTimeout(resolve, 700));
    const { rows } = await sql<Record<string, string>>`select relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_live_tup from pg_stat_user_tables
      order by seq_tup_read + coalesce(idx_tup_fetch, 0) desc limit 6`.execute(handle.db);
    for (const r of rows)
      process.stderr.write(
        `routing-pipeline: table ${r.relname}: ${r.seq_scan} sequential scans read ${r.seq_tup_read} rows; ${r.idx_scan} index scans fetched ${r.idx_tup_fetch} rows; ${r.n_live_tup} rows\n`,
      );
  }

  // One busy company through four shards at once: each shard has its own customers (as the
  // gateway's sharding by customer gives them) and commits its batches one after the other.
  if (handle.kind === 'pg' && runs('shards')) {
    const shardMessages = Array.from({ length: SHARDS }, (_, shard) => {
      let known = 0;
      return Array.from({ length: Math.ceil(SHARDED / SHARDS) }, (_, i) => {
        const customer = known === 0 || random() < 0.3 ? known++ : Math.floor(random() * known);
        return envelope(world, { from: `shard${shard}-${customer}`, id: `shard${shard}-${i}`, text: `${customer % 5 === 0 ? 'buy ' : ''}message ${i}` });
      });
    });
    const held: number[] = [];
    const locked: number[] = [];
    const share: number[] = [];
    let statements = 0;
    const start = performance.now();
    await Promise.all(
      shardMessages.map(async (messages) => {
        for (let i = 0; i < messages.length; i += BATCH) {
          const timer = new LockTimer();
          const began = performance.now();
          await handle.db
            .withPlugin(timer)
            .transaction()
            .execute((trx) => processInbound(trx, messages.slice(i, i + BATCH), { pipeline: inboundPipeline }));
          statements += timer.statements;
          if (timer.lockedAt !== undefined) {
            held.push(performance.now() - timer.lockedAt);
            share.push((performance.now() - timer.lockedAt) / (performance.now() - began));
            locked.push(timer.statementsLocked);
          }
        }
      }),
    );
    const wall = performance.now() - start;
    const total = shardMessages.reduce((n, m) => n + m.length, 0);
    process.stdout.write(
      `${JSON.stringify({ scenario: 'pipeline-shards', shards: SHARDS, messages: total, batch: BATCH, msg_per_s: Math.round(total / (wall / 1000)), batches_locked: held.length, lock_held_p50_ms: quantile(held, 0.5), lock_held_p95_ms: quantile(held, 0.95), lock_share_of_batch_p50: quantile(share, 0.5), lock_busy: Number((held.reduce((a, b) => a + b, 0) / wall).toFixed(2)), statements_per_batch: Math.round(statements / Math.ceil(total / BATCH)), statements_under_lock_p50: quantile(locked, 0.5), statements_under_lock_max: Math.max(...locked) })}\n`,
    );
  }
} finally {
  await handle.drop();
}
