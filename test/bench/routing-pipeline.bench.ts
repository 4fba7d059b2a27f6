// Inbound messages through the router's pipeline (dedupe, identify, thread, route, assign, outbox)
// in batches, as one shard consumer commits them. Scenarios: new conversations (every message
// from a new customer), follow-ups (messages into open conversations). 20 agents online, rules on.
// Uses DATABASE_URL (a fresh database beside it) if set, else an in-memory PGlite.
import { processInbound } from '../../router/pipeline/process-batch.js';
import { freshDatabase } from '../support/services.js';
import { addAgent, addGroup, addRule, createWorld, customerMessages, setDefaultGroup } from '../support/router-world.js';

const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const handle = await freshDatabase();
try {
  const world = await createWorld(handle.db, 'pipeline-bench');
  const support = await addGroup(world, 'Support');
  const sales = await addGroup(world, 'Sales', { strategy: 'least_busy' });
  await setDefaultGroup(world, support);
  await addRule(world, 1, [{ type: 'keyword', anyOf: ['buy'] }], { groupId: sales });
  for (let i = 0; i < 20; i++) await addAgent(world, `agent-${i}`, { groups: i % 2 ? [support] : [support, sales], capacity: { chat: 100 } });

  const scenario = async (name: string, envelopes: ReturnType<typeof customerMessages>) => {
    const latencies: number[] = [];
    const start = performance.now();
    for (let i = 0; i < envelopes.length; i += BATCH) {
      const t = performance.now();
      await handle.db.transaction().execute((trx) => processInbound(trx, envelopes.slice(i, i + BATCH)));
      latencies.push(performance.now() - t);
    }
    const seconds = (performance.now() - start) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2));
    process.stdout.write(
      `${JSON.stringify({ scenario: name, messages: envelopes.length, batch: BATCH, database: handle.kind, msg_per_s: Math.round(envelopes.length / seconds), batch_p50_ms: at(0.5), batch_p99_ms: at(0.99) })}\n`,
    );
  };
  await scenario('pipeline-new-conversations', customerMessages(world, 2000, 1, 'new'));
  await scenario('pipeline-follow-ups', customerMessages(world, 200, 10, 'new').slice(200));
} finally {
  await handle.drop();
}
