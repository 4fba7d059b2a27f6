// Empties the durable queues a benchmark's namespace left behind. The benches reuse one
// BUS_NAMESPACE (quorum queues are declared once, not churned), so whatever an earlier run left
// unconsumed — events of a database since dropped, for the ticket, report and connector workers —
// would otherwise be worked off during the next run and counted against it.
import { execFileSync } from 'node:child_process';

export async function purgeNamespace(amqpUrl: string, namespace: string, log: (line: string) => void): Promise<void> {
  const url = new URL(amqpUrl.split(',')[0]!);
  const vhost = decodeURIComponent(url.pathname.slice(1)) || '/';
  let names: string[];
  try {
    const out = execFileSync('rabbitmqctl', ['-q', 'list_queues', '-p', vhost, 'name', 'messages'], { encoding: 'utf8', timeout: 60_000 });
    names = out
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([name, count]) => name?.startsWith(`${namespace}.`) && Number(count) > 0)
      .map(([name]) => name!);
  } catch (error) {
    log(
      `could not list the broker's queues (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); leftovers of earlier runs, if any, stay`,
    );
    return;
  }
  if (names.length === 0) return;
  const amqp = (await import('amqplib')).default;
  const connection = await amqp.connect(amqpUrl.split(',')[0]!);
  try {
    const channel = await connection.createChannel();
    let purged = 0;
    for (const name of names) purged += (await channel.purgeQueue(name)).messageCount;
    log(`purged ${purged} messages an earlier run left in ${names.length} queues of namespace ${namespace}`);
  } finally {
    await connection.close();
  }
}

/**
 * Deletes every queue of a namespace used for one run only (`bench_<pid>`). Left behind, each
 * run's quorum queues stay on the broker for good, and a broker that carries hundreds of them
 * recovers slowly on start and was seen to hang declaring new ones.
 */
export async function deleteNamespaceQueues(amqpUrl: string, namespace: string, log: (line: string) => void = () => {}): Promise<void> {
  const url = new URL(amqpUrl.split(',')[0]!);
  const vhost = decodeURIComponent(url.pathname.slice(1)) || '/';
  let names: string[];
  try {
    const out = execFileSync('rabbitmqctl', ['-q', 'list_queues', '-p', vhost, 'name'], { encoding: 'utf8', timeout: 60_000 });
    names = out
      .split('\n')
      .map((line) => line.trim())
      .filter((name) => name.startsWith(`${namespace}.`));
  } catch (error) {
    log(`could not list the broker's queues (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); the queues of ${namespace} stay`);
    return;
  }
  if (names.length === 0) return;
  const amqp = (await import('amqplib')).default;
  const connection = await amqp.connect(amqpUrl.split(',')[0]!);
  try {
    const channel = await connection.createChannel();
    for (const name of names) await channel.deleteQueue(name);
  } finally {
    await connection.close();
  }
}
