// The load process of the end-to-end benchmark: posts app API messages to the gateway over
// keep-alive connections with a bounded number of requests in flight, either as fast as it goes
// (rate 0) or at a fixed offered rate. 70% of the messages go to customers that already wrote
// (their open conversation), 30% come from new customers. Each message's text carries its unique
// id. At the end it writes one JSON object to stdout: for every accepted message its id and the
// epoch time (ms, sub-ms precision) at which the 202 arrived.
interface LoadOptions {
  url: string;
  apiKey: string;
  messages: number;
  rate: number;
  inFlight: number;
  prefix: string;
  text: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
if (!options.url || !options.apiKey || !(options.messages > 0)) {
  process.stderr.write('e2e-load: expects a JSON argument {url, apiKey, messages, rate, inFlight, prefix, text}\n');
  process.exit(2);
}

const now = () => performance.timeOrigin + performance.now();

const ids: string[] = [];
const sentAt: number[] = [];
const acceptedAt: number[] = [];
let failed = 0;
let customers = 0;
let rng = 0x2545f491;
const random = () => {
  rng ^= rng << 13;
  rng ^= rng >>> 17;
  rng ^= rng << 5;
  return (rng >>> 0) / 0x1_0000_0000;
};

function nextBody(i: number): { id: string; body: string } {
  const isNew = customers === 0 || random() < 0.3;
  const customer = isNew ? customers++ : Math.floor(random() * customers);
  const id = `${options.prefix}-${i}`;
  return {
    id,
    body: JSON.stringify({
      clientMessageId: id,
      user: { id: `${options.prefix}-u${customer}`, name: `Customer ${customer}` },
      text: `${options.text} [${id}]`,
    }),
  };
}

async function post(i: number): Promise<void> {
  const { id, body } = nextBody(i);
  const started = now();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const answer = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` },
        body,
      });
      await answer.arrayBuffer();
      if (answer.status === 202 || answer.status === 200) {
        ids.push(id);
        sentAt.push(started);
        acceptedAt.push(now());
        return;
      }
      if (answer.status < 500 && answer.status !== 429) break;
    } catch {
      /* retried below */
    }
  }
  failed++;
}

const started = now();
let next = 0;
let inFlight = 0;
let behind = 0;
await new Promise<void>((resolve) => {
  const launch = () => {
    if (next >= options.messages && inFlight === 0) return resolve();
    while (next < options.messages && inFlight < options.inFlight) {
      if (options.rate > 0) {
        const due = started + (next * 1000) / options.rate;
        const wait = due - now();
        if (wait > 1) {
          setTimeout(launch, Math.min(wait, 50));
          return;
        }
        if (wait < -50) behind++;
      }
      inFlight++;
      void post(next++).finally(() => {
        inFlight--;
        launch();
      });
    }
  };
  launch();
});
const seconds = (now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6, failed, behind, started, ids, sentAt, acceptedAt })}\n`,
);
