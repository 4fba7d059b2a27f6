// The raw RabbitMQ ceiling on this machine: publish-with-confirm + consume-with-ack through a
// quorum queue, the same path and payload size the end-to-end benchmark uses.
import { measureRawBroker } from './lib/raw-broker.js';

const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const messages = Number(process.env.BENCH_MESSAGES ?? 20_000);
const payload = Buffer.from(
  JSON.stringify({
    version: 1,
    tenantId: crypto.randomUUID(),
    channelId: crypto.randomUUID(),
    channelType: 'app-api',
    receivedAt: new Date().toISOString(),
    message: { externalId: crypto.randomUUID(), sender: { externalId: 'user-1' }, parts: [{ type: 'text', text: 'Hello, I need help with my order 12345.' }] },
  }),
);
const runs = [];
for (let i = 0; i < 3; i++) runs.push(await measureRawBroker({ url, messages, payload }));
const rates = runs.map((r) => r.msgs_per_s).sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({ scenario: 'raw_broker_ceiling', messages, payload_bytes: payload.length, runs: rates, raw_broker_msgs_per_s: rates[1] }) + '\n',
);
