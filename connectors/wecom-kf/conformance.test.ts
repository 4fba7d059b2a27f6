import { Hono } from 'hono';
import { afterAll, beforeAll } from 'vitest';
import type { ContentKind, ContentPart } from '../../core/domain/messages.js';
import { listen } from '../../test/fakes/http.js';
import { describeConformance, type SendTarget } from '../../core/connector/testkit/index.js';
import { parseWechatXml } from '../../core/wechat/xml.js';
import { wechatSignature } from '../../core/wechat/crypto.js';
import { FakeWecomApi } from '../../test/fakes/wecom-api.js';
import { PNG_1X1, wecomCallback } from '../../test/fakes/wechat-callbacks.js';
import wecomKf from './connector.js';
import { kfSamples, OPEN_KFID } from './fixtures/index.js';
import { embeddedKitServices } from '../../test/support/connectors.js';

const account = {
  corpId: 'ww1436e0e65a779aee',
  secret: 'kf-secret-0123456789abcdef0123456789',
  token: 'kfToken2026',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
let fake: FakeWecomApi;

// The kit's image and file replies name files on example.com, which this server stands in for
// (on loopback, which the kit's client allows).
let imageHost: { url: string; close(): Promise<void> };
beforeAll(async () => {
  imageHost = await listen(new Hono().get('/files/*', (c) => c.body(new Uint8Array(PNG_1X1), 200, { 'content-type': 'image/png' })));
});
afterAll(() => imageHost.close());
const localFile = (kind: ContentKind) =>
  kind === 'image' || kind === 'file'
    ? ({ type: kind, url: `${imageHost.url}/files/receipt`, name: 'receipt', mimeType: 'image/png', size: 10 } as ContentPart)
    : undefined;

describeConformance({
  outboundPart: (kind) => localFile(kind),
  connector: wecomKf,
  services: embeddedKitServices,
  settings: { ...account, openKfId: OPEN_KFID },
  samples: kfSamples,
  // What WeCom does: the message waits in sync_msg, and the callback only says so.
  encode: (payload) => {
    fake.enqueue(OPEN_KFID, payload as Record<string, unknown>);
    return Buffer.from(wecomCallback(account, OPEN_KFID, fake.callbackToken()).body);
  },
  request(harness, body, credentials) {
    const path = `/hooks/${harness.channel.id}`;
    if (credentials === 'missing') return { path, init: { method: 'POST', body: new Uint8Array(body) } };
    let sealed = '';
    try {
      sealed = String(parseWechatXml(body.toString('utf8')).Encrypt ?? '');
    } catch {
      sealed = '';
    }
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = wechatSignature(credentials === 'bad' ? 'another-token' : account.token, timestamp, '42', sealed);
    return { path: `${path}?msg_signature=${signature}&timestamp=${timestamp}&nonce=42`, init: { method: 'POST', body: new Uint8Array(body) } };
  },
  async sendTarget(): Promise<SendTarget> {
    fake = await FakeWecomApi.start(account.corpId, account.secret);
    const own = fake;
    return {
      settings: { apiBaseUrl: own.url },
      received: async () => own.sent.map((s) => ({ type: s.body.msgtype, body: s.body })),
      close: () => own.close(),
    };
  },
  sendFailures: [
    { name: 'WeCom busy (-1) is retried', arrange: () => fake.failNext('/cgi-bin/kf/send_msg', -1), retryable: true },
    { name: 'the reply limit (95001) fails for good', arrange: () => fake.failNext('/cgi-bin/kf/send_msg', 95001), retryable: false },
    { name: 'an unknown account (95011) fails for good', arrange: () => fake.failNext('/cgi-bin/kf/send_msg', 95011), retryable: false },
  ],
});
