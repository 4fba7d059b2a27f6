// The load process of the WeChat webhook benchmark: its own process, so the client's HTTP work
// does not share an event loop with the gateway it measures. It encrypts every push before the
// clock starts, then sends them open-loop at a fixed rate (a push leaves on time whether or not
// earlier ones were answered, as WeChat's servers do) and writes one JSON object to stdout: the
// answer time of every push that got `200 success`, the number of failures and the first error.
import { wechatPush, type WechatAccount } from '../../fakes/wechat-callbacks.js';

interface LoadOptions {
  url: string;
  account: WechatAccount;
  rate: number;
  seconds: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
if (!options.url || !options.account || !(options.rate > 0) || !(options.seconds > 0)) {
  process.stderr.write('wechat-load: expects a JSON argument {url, account, rate, seconds}\n');
  process.exit(2);
}

const total = Math.round(options.rate * options.seconds);
const now = Math.floor(Date.now() / 1000);
const pushes = Array.from({ length: total }, (_, i) => {
  const xml = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oBench${String(i % 2000).padStart(22, '0')}]]></FromUserName><CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好，我的订单 ${i} 什么时候发货？]]></Content><MsgId>${7_000_000_000_000_000_000n + BigInt(i)}</MsgId></xml>`;
  return wechatPush(options.account, xml, 'safe');
});

async function post(push: { query: string; body: string }): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${options.url}?${push.query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: push.body });
  const text = await response.text();
  if (response.status !== 200 || text !== 'success') throw new Error(`status ${response.status}: ${text.slice(0, 200)}`);
  return performance.now() - started;
}

// Warm-up: connections and the gateway's first-use work, one push at a time, not counted.
const warm = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oWarm]]></FromUserName><CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>1</MsgId></xml>`;
for (let i = 0; i < 50; i++) await post(wechatPush(options.account, warm, 'safe'));

const latencies: number[] = [];
let errors = 0;
let firstError: string | undefined;
const inFlight: Promise<void>[] = [];
const started = performance.now();
let sent = 0;
while (sent < total) {
  const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate));
  for (; sent < due; sent++) {
    inFlight.push(
      post(pushes[sent]!).then(
        (ms) => void latencies.push(ms),
        (error: unknown) => {
          errors++;
          firstError ??= error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ''}` : String(error);
        },
      ),
    );
  }
  await new Promise((r) => setTimeout(r, 2));
}
await Promise.all(inFlight);
const elapsed = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ total, elapsed, errors, firstError, latencies }) + '\n');
