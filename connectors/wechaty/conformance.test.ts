import { afterAll } from 'vitest';
import { acceptPayloads } from '../../core/connector/accept.js';
import { describeConformance, type SendTarget } from '../../core/connector/testkit/index.js';
import { channelContext, type Harness } from '../../core/connector/testkit/harness.js';
import { PNG_1X1 } from '../../test/fakes/wechat-callbacks.js';
import { WechatWorld } from '../../test/fakes/wechaty-world.js';
import { realServices } from '../../test/support/connectors.js';
import { storedThroughRouter } from '../../test/support/pipeline.js';
import { eventually } from '../../test/support/services.js';
import { botOf, runBot } from './bot.js';
import wechaty from './connector.js';
import { wechatySamples } from './fixtures/index.js';

const world = new WechatWorld('wechaty-puppet-conformance', true);
const customer = world.customer('李雷');
const stop = new AbortController();
let loop: Promise<void> | undefined;
afterAll(async () => {
  stop.abort();
  await loop;
  world.close();
});

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const loggedIn = (harness: Harness) => eventually(() => botOf(harness.channel.id)?.isLoggedIn === true, { timeoutMs: 30_000 });

describeConformance({
  connector: wechaty,
  settings: { puppet: world.name, puppetToken: 'puppet-token-never-shown-0123' },
  samples: wechatySamples,
  services: realServices,
  storedCount: storedThroughRouter,
  recipient: async () => customer.id,
  async sendTarget(): Promise<SendTarget> {
    return {
      settings: {},
      // The bot's own loop, as the platform runs it, logged in to the mock WeChat.
      async attach(harness) {
        const ctx = await channelContext(harness);
        loop = runBot({
          ...ctx,
          signal: stop.signal,
          accept: (payloads) => acceptPayloads(wechaty, ctx, payloads),
          cursor: { load: async () => ({}), save: async () => {} },
          reportState: async () => {},
        });
        await loggedIn(harness);
      },
      received: async () =>
        world.delivered.map((d) => ({
          to: d.to,
          parts: [d.file ? { type: /\.(png|jpe?g|gif)$/i.test(d.file.name) ? 'image' : 'file', name: d.file.name } : { type: 'text', text: d.text }],
        })),
      close: async () => {},
    };
  },
  async outboundPart(kind, harness) {
    if (kind !== 'image' && kind !== 'file') return undefined;
    const ctx = await channelContext(harness);
    const stored = await ctx.attachments.put({
      owner: 'agent:conformance',
      name: kind === 'image' ? 'map.png' : 'invoice.pdf',
      bytes: kind === 'image' ? PNG_1X1 : PDF,
    });
    return { type: kind, attachmentId: stored.id };
  },
  sendFailures: [
    {
      name: 'the bot is logged out (retried: it may log in again, or run in another process)',
      arrange: async (_target, harness) => {
        await world.logout();
        await eventually(() => botOf(harness.channel.id) === undefined);
      },
      retryable: true,
    },
    {
      name: 'a WeChat user the bot does not know',
      arrange: async (_target, harness) => {
        world.scanned();
        await loggedIn(harness);
      },
      recipient: 'wxid_nobody_knows',
      retryable: false,
    },
  ],
});
