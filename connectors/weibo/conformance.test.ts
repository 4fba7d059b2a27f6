import { describeConformance, type Harness, type SendTarget } from '../../core/connector/testkit/index.js';
import { runPipeline } from '../../test/support/pipeline.js';
import { realServices } from '../../test/support/connectors.js';
import { storedThroughRouter } from '../../test/support/pipeline.js';
import { signedWeiboQuery, startFakeWeibo, weiboPushBody, type FakeWeibo } from '../../test/fakes/weibo.js';
import weibo from './connector.js';
import { weiboFixtureBytes } from './fixtures/index.js';

const APP_SECRET = 'weibo-app-secret-0123456789';
const ACCESS_TOKEN = '2.00weibo-access-token-abcdef0123456789';
const sample = (name: string) => JSON.parse(weiboFixtureBytes(name).toString()) as Record<string, unknown>;
let fake: FakeWeibo | undefined;

/** A fan writes (or wrote, `hoursAgo`), and the router stores it: the reply window starts there. */
async function fanWrites(harness: Harness, fanId: string, hoursAgo = 0): Promise<string> {
  const before = harness.published.length;
  const body = weiboPushBody({ type: 'text', senderId: fanId, receiverId: '1902538057', createdAt: new Date(Date.now() - hoursAgo * 3600_000), text: 'hello' });
  const query = new URLSearchParams(signedWeiboQuery(APP_SECRET));
  const response = await harness.request(`/hooks/${harness.channel.id}/?${query}`, { method: 'POST', body: new Uint8Array(body) });
  if (response.status !== 200) throw new Error(`push refused: ${response.status} ${await response.text()}`);
  await runPipeline(harness.deps.db, harness.published.slice(before));
  return fanId;
}

describeConformance({
  connector: weibo,
  settings: { appSecret: APP_SECRET, accessToken: ACCESS_TOKEN },
  samples: { text: sample('text'), location: sample('position'), audio: sample('voice'), image: sample('image'), event: sample('event-follow') },
  services: realServices,
  storedCount: storedThroughRouter,
  request(harness, body, credentials) {
    const query = signedWeiboQuery(credentials === 'bad' ? 'not-the-app-secret' : APP_SECRET);
    const search = credentials === 'missing' ? '' : `?${new URLSearchParams(query)}`;
    return {
      path: `/hooks/${harness.channel.id}/${search}`,
      init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array(body) },
    };
  },
  recipient: (harness) => fanWrites(harness, '3000000001'),
  async sendTarget(): Promise<SendTarget> {
    fake = await startFakeWeibo({ accessToken: ACCESS_TOKEN });
    const own = fake;
    // Weibo's reply types, named as the kinds the agent sent.
    const kind = { text: 'text', articles: 'link', position: 'location' } as const;
    return {
      settings: { apiBaseUrl: own.url, uploadBaseUrl: own.url },
      received: async () => own.replies.map((r) => ({ ...r, type: kind[r.type], weiboType: r.type })),
      close: () => own.close(),
    };
  },
  sendFailures: [
    { name: 'a rate limit is retried', arrange: () => fake!.failNext('rate_limited'), retryable: true },
    { name: 'a busy Weibo is retried', arrange: () => fake!.failNext('system_busy'), retryable: true },
    { name: 'a 502 is retried', arrange: () => fake!.failNext('server_error'), retryable: true },
    { name: 'an expired token fails for good', arrange: () => fake!.failNext('expired_token'), retryable: false },
    { name: 'no quota fails for good', arrange: () => fake!.failNext('no_quota'), retryable: false },
    { name: 'a fan who never wrote cannot be answered', arrange: () => {}, recipient: '3000000099', retryable: false },
    {
      name: 'a fan who wrote 49 hours ago cannot be answered',
      arrange: async (_target, harness) => void (await fanWrites(harness, '3000000002', 49)),
      recipient: '3000000002',
      retryable: false,
    },
  ],
});
