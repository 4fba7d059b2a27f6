import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { afterAll, beforeAll } from 'vitest';
import type { ContentKind, ContentPart } from '../../core/domain/messages.js';
import { listen } from '../../test/fakes/http.js';
import { describeConformance, type SendTarget } from '../../core/connector/testkit/index.js';
import { realServices } from '../../test/support/connectors.js';
import { storedThroughRouter } from '../../test/support/pipeline.js';
import { FakeWechatApi } from '../../test/fakes/wechat-api.js';
import { PNG_1X1, wechatPush } from '../../test/fakes/wechat-callbacks.js';
import wechatOa from './connector.js';
import { wechatSamples } from './fixtures/index.js';
import { buildWechatXml, parseWechatXml } from '../../core/wechat/xml.js';
import { openReplyWindow } from './window.js';

const account = {
  appId: 'wx2c2769f8efd9abc2',
  appSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  token: 'spamtest',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
let fake: FakeWechatApi;

// The kit's image and file replies name files on example.com, which this server stands in for
// (on loopback, which the kit's client allows).
let imageHost: { url: string; close(): Promise<void> };
beforeAll(async () => {
  const mp3 = new Uint8Array(readFileSync(new URL('./fixtures/voice.mp3', import.meta.url)));
  imageHost = await listen(
    new Hono()
      .get('/files/voice.mp3', (c) => c.body(mp3, 200, { 'content-type': 'audio/mpeg' }))
      .get('/files/*', (c) => c.body(new Uint8Array(PNG_1X1), 200, { 'content-type': 'image/png' })),
  );
});
afterAll(() => imageHost.close());
const localFile = (kind: ContentKind): ContentPart | undefined => {
  if (kind === 'audio') return { type: 'audio', url: `${imageHost.url}/files/voice.mp3`, name: 'voice.mp3', mimeType: 'audio/mpeg' };
  return kind === 'image' || kind === 'file'
    ? ({ type: kind, url: `${imageHost.url}/files/receipt`, name: 'receipt', mimeType: 'image/png', size: 10 } as ContentPart)
    : undefined;
};

const KINDS: Record<string, string> = { text: 'text', image: 'image', voice: 'audio', news: 'link' };

describeConformance({
  outboundPart: (kind) => localFile(kind),
  connector: wechatOa,
  settings: { appId: account.appId, appSecret: account.appSecret, token: account.token, encodingAesKey: account.encodingAesKey, mode: 'safe' },
  samples: wechatSamples,
  services: realServices,
  storedCount: storedThroughRouter,
  encode: (payload) =>
    Buffer.from(
      payload && typeof payload === 'object' && !Array.isArray(payload)
        ? buildWechatXml(Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')])))
        : (JSON.stringify(payload) ?? ''),
    ),
  request(harness, body, credentials) {
    const text = body.toString('utf8');
    let xml: string | undefined;
    try {
      parseWechatXml(text);
      xml = text;
    } catch {
      xml = undefined;
    }
    const path = `/hooks/${harness.channel.id}`;
    if (credentials === 'missing') return { path, init: { method: 'POST', body: text } };
    const signWith = credentials === 'bad' ? 'not-the-token' : undefined;
    // Malformed bodies go as WeChat would send them in the safe mode, but unencrypted: they must still be refused with 400.
    const push = xml ? wechatPush(account, xml, 'safe', { signWith }) : { ...wechatPush(account, '<xml/>', 'plaintext', { signWith }), body: text };
    const query = xml ? push.query : `${push.query}&encrypt_type=aes&msg_signature=0`;
    return { path: `${path}?${query}`, init: { method: 'POST', headers: { 'content-type': 'text/xml' }, body: push.body } };
  },
  async sendTarget(): Promise<SendTarget> {
    fake = await FakeWechatApi.start(account.appId, account.appSecret);
    const own = fake;
    return {
      settings: { apiBaseUrl: own.url },
      received: async () => own.customerService.map((c) => ({ type: KINDS[String(c.body.msgtype)] ?? c.body.msgtype, body: c.body })),
      // The kit sends to "conformance-user": they wrote a moment ago, so their reply window is open.
      attach: async (harness) => {
        const { channelContext } = await import('../../core/connector/testkit/harness.js');
        await openReplyWindow(await channelContext(harness), 'conformance-user', new Date());
      },
      close: () => own.close(),
    };
  },
  sendFailures: [
    { name: 'WeChat busy (-1) is retried', arrange: () => fake.failNext('/cgi-bin/message/custom/send', -1), retryable: true },
    { name: 'an HTTP 503 is retried', arrange: () => fake.failNext('/cgi-bin/message/custom/send', 0, 503), retryable: true },
    { name: 'the API daily quota (45009) is retried', arrange: () => fake.failNext('/cgi-bin/message/custom/send', 45009), retryable: true },
    { name: 'a follower who never wrote is refused before sending', recipient: 'o-never-wrote', arrange: () => {}, retryable: false },
    { name: 'the reply quota WeChat reports (45047) fails for good', arrange: () => fake.failNext('/cgi-bin/message/custom/send', 45047), retryable: false },
    { name: 'a window WeChat reports closed (45015) fails for good', arrange: () => fake.failNext('/cgi-bin/message/custom/send', 45015), retryable: false },
  ],
});
