// One gateway process running the X connector's poll (advisory lock, RabbitMQ), for the test
// that kills it mid-page and mid-handover: it runs until it is killed.
import x from '../../connectors/x/connector.js';
import { RabbitMqBus } from '../../core/bus/rabbitmq/rabbitmq-bus.js';
import { startPullLoops } from '../../core/connector/pull.js';
import { openPgDatabase } from '../../core/db/pg/pg-database.js';
import { testDeps } from './connectors.js';
import { TEST_QUEUE_TYPE } from './services.js';

const [url, name] = process.argv.slice(2);
const database = openPgDatabase(url!, 4);
const bus = await RabbitMqBus.connect({
  urls: process.env.AMQP_URL!.split(','),
  namespace: process.env.BUS_NAMESPACE!,
  queueType: TEST_QUEUE_TYPE,
  publishTimeoutMs: 3000,
});
// A slower broker, so a kill lands while DMs are being handed over.
const slowMs = Number(process.env.SLOW_PUBLISH_MS ?? 0);
if (slowMs > 0) {
  const publish = bus.publish.bind(bus);
  let chain: Promise<unknown> = Promise.resolve();
  bus.publish = (...args: Parameters<typeof publish>) => {
    const next = chain.then(() => new Promise((resolve) => setTimeout(resolve, slowMs))).then(() => publish(...args));
    chain = next.catch(() => {});
    return next;
  };
}
const deps = testDeps(database.db, bus, [x], { secretKey: Buffer.from(process.env.SECRET_KEY!, 'hex'), inboundShards: 2 });
startPullLoops(deps, { exclusive: true, rescanMs: 200, holder: name });
process.stdout.write('ready\n');
