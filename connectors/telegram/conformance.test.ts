import { describeConformance, type SendTarget } from '../../core/connector/testkit/index.js';
import { realServices } from '../../test/support/connectors.js';
import { storedThroughRouter } from '../../test/support/pipeline.js';
import { fakeTelegram, TELEGRAM_ERRORS, type FakeTelegram } from '../../test/fakes/telegram-bot-api.js';
import telegram from './connector.js';
import { telegramFiles, telegramFixtures as f } from './fixtures/index.js';
import { SECRET_HEADER, webhookSecret } from './inbound.js';

const KIND_OF: Record<string, string> = {
  sendMessage: 'text',
  sendPhoto: 'image',
  sendDocument: 'file',
  sendAudio: 'audio',
  sendVoice: 'audio',
  sendVideo: 'video',
  sendLocation: 'location',
};
let fake: FakeTelegram;

describeConformance({
  connector: telegram,
  settings: { mode: 'webhook' },
  samples: { text: f.text, image: f.photo, file: f.document, audio: f.voice, video: f.video, location: f.location, event: f.edited },
  services: realServices,
  storedCount: storedThroughRouter,
  request(harness, body, credentials) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const secret = webhookSecret({ secretKey: harness.deps.config.secretKey, channel: { id: harness.channel.id } as never });
    if (credentials !== 'missing') headers[SECRET_HEADER] = credentials === 'valid' ? secret : `${secret.slice(0, -1)}x`;
    return { path: `/hooks/${harness.channel.id}`, init: { method: 'POST', headers, body: new Uint8Array(body) } };
  },
  async sendTarget(): Promise<SendTarget> {
    fake = await fakeTelegram();
    for (const [id, file] of Object.entries(telegramFiles)) fake.addFile(id, file.bytes, file.path);
    return {
      settings: { botToken: fake.token, apiBaseUrl: fake.url },
      // Each Bot API call, labelled with the content kind its method carries.
      received: async () =>
        fake.sent().map(({ method, params }) => ({ type: params.link_preview_options ? 'link' : KIND_OF[method], method, chat_id: params.chat_id })),
      close: () => fake.close(),
    };
  },
  sendFailures: [
    { name: '429 Too Many Requests is retried', arrange: () => fake.failNext(TELEGRAM_ERRORS.tooManyRequests(3)), retryable: true },
    { name: '502 is retried', arrange: () => fake.failNext(TELEGRAM_ERRORS.badGateway), retryable: true },
    { name: 'a bot blocked by the user fails for good', arrange: () => void fake.blocked.add('4040404'), recipient: '4040404', retryable: false },
    { name: 'chat not found fails for good', arrange: () => fake.failNext(TELEGRAM_ERRORS.chatNotFound), retryable: false },
  ],
});
