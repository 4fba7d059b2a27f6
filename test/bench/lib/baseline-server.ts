// The bare durable pipeline, with no Switchboard code: the yardstick the end-to-end bench divides
// by. Same engines as Switchboard: Hono on @hono/node-server takes a JSON message and answers 202
// once RabbitMQ confirmed it into a quorum queue; a consumer takes up to 100 messages (or what
// came in 10 ms), stores them in PostgreSQL with one insert, acks them, then sends each to every
// WebSocket (ws) client. Run as its own process (like Switchboard's), it prints `ready` on stdout
// when listening. Argument: JSON {port, amqpUrl, databaseUrl}.
import { serve } from '@hono/node-server';
import amqp from 'amqplib';
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import pg from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';

const options = JSON.parse(process.argv[2] ?? '{}') as { port: number; amqpUrl: string; databaseUrl: string };
const BATCH = 100;
const MAX_WAIT_MS = 10;
const queue = `bench_baseline_${randomBytes(4).toString('hex')}`;

const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 });
await pool.query(`CREATE TABLE IF NOT EXISTS baseline_messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  client_id text NOT NULL,
  user_id text NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)`);
const connection = await amqp.connect(options.amqpUrl);
const publisher = await connection.createConfirmChannel();
await publisher.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
const consumer = await connection.createChannel();
await consumer.prefetch(BATCH * 2);

const sockets = new Set<WebSocket>();
const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

// Batches are stored one after the other, as one shard consumer does.
let pending: amqp.ConsumeMessage[] = [];
let timer: NodeJS.Timeout | undefined;
let chain = Promise.resolve();
let stopping = false;
const flush = () => {
  clearTimeout(timer);
  timer = undefined;
  const batch = pending;
  pending = [];
  if (batch.length === 0) return;
  chain = chain.then(async () => {
    const bodies = batch.map((m) => JSON.parse(m.content.toString('utf8')) as { clientMessageId: string; user: { id: string } });
    await pool.query('INSERT INTO baseline_messages (client_id, user_id, body) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])', [
      bodies.map((b) => b.clientMessageId),
      bodies.map((b) => b.user.id),
      batch.map((m) => m.content.toString('utf8')),
    ]);
    consumer.ack(batch[batch.length - 1]!, true);
    for (const message of batch) {
      const frame = message.content.toString('utf8');
      for (const socket of sockets) socket.send(frame);
    }
  });
  // A failed batch stays unacknowledged (the broker delivers it again); the next one goes on.
  chain = chain.catch((error: unknown) => {
    if (!stopping) process.stderr.write(`baseline server: a batch failed: ${String(error)}\n`);
  });
};
await consumer.consume(queue, (message) => {
  if (!message) return;
  pending.push(message);
  if (pending.length >= BATCH) flush();
  else timer ??= setTimeout(flush, MAX_WAIT_MS);
});

const app = new Hono();
app.post('/messages', async (c) => {
  const body = await c.req.json<{ clientMessageId?: unknown }>();
  if (typeof body.clientMessageId !== 'string') return c.json({ error: 'clientMessageId' }, 400);
  await new Promise<void>((resolve, reject) =>
    publisher.publish('', queue, Buffer.from(JSON.stringify(body)), { persistent: true, contentType: 'application/json' }, (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  return c.json({ accepted: true }, 202);
});
const server = serve({ fetch: app.fetch, port: options.port, hostname: '127.0.0.1' });
await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
  });
});

const stop = async () => {
  stopping = true;
  server.close();
  await publisher.deleteQueue(queue).catch(() => {});
  await connection.close().catch(() => {});
  await pool.end();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
process.stdout.write('ready\n');
