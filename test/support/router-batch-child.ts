// A router process without the bus: runs a file of inbound envelopes through the pipeline in
// batches, as a shard consumer would (one transaction per batch, one by one when a batch fails).
// argv: <envelopes.json> <batch size>; env: DATABASE_URL. Prints "done <stored> <duplicates>".
import { readFileSync } from 'node:fs';
import { openPgDatabase } from '../../core/db/pg/pg-database.js';
import type { Delivery } from '../../core/bus/bus.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { inboundPipeline } from '../../app/pipeline.js';
import { inboundBatchHandler } from '../../router/pipeline/consumer.js';
import { silentLogger } from './router-world.js';

const [file, size] = process.argv.slice(2);
const envelopes = JSON.parse(readFileSync(file!, 'utf8')) as InboundEnvelope[];
const handle = openPgDatabase(process.env.DATABASE_URL!, 3);
const handler = inboundBatchHandler({ database: handle, relay: { poke() {} }, logger: silentLogger }, inboundPipeline);
const delivery = (envelope: InboundEnvelope, i: number): Delivery => ({
  body: Buffer.from(JSON.stringify(envelope)),
  exchange: 'inbound',
  routingKey: 'shard.0',
  messageId: String(i),
  headers: {},
  attempt: 0,
  redelivered: false,
  json: <T>() => envelope as T,
});
let failed = 0;
for (let i = 0; i < envelopes.length; i += Number(size)) {
  const batch = envelopes.slice(i, i + Number(size)).map(delivery);
  // A failed message is retried, as the bus would, until it goes through.
  let pending = batch;
  for (let attempt = 0; pending.length && attempt < 20; attempt++) {
    const result = await handler(pending);
    pending = result?.failed.map((f) => f.delivery) ?? [];
    failed += pending.length;
  }
  if (pending.length) throw new Error(`${pending.length} messages never went through`);
}
await handle.close();
process.stdout.write(`done ${envelopes.length} ${failed}\n`);
