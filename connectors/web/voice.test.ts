import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../core/connector/testkit/index.js';
import { updateChannel } from '../../core/connector/channels.js';
import { realServices } from '../../test/support/connectors.js';
import web from './connector.js';

const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

describe('web chat voice messages', () => {
  let harness: Harness;
  let token: string;
  const base = () => `/widget/${harness.channel.publicKey}`;
  const voice = (query: string, bytes: Uint8Array<ArrayBuffer>) =>
    harness.request(`${base()}/voice?${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: bytes });

  beforeAll(async () => {
    harness = await openHarness(web, {}, realServices);
    const session = await harness.request(`${base()}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    token = ((await session.json()) as { token: string }).token;
  });
  afterAll(() => harness.close());

  it("keeps a browser's Opus-in-WebM recording as audio with its length, and sends it as a voice message", async () => {
    const settings = await (await harness.request(`${base()}/config`)).json();
    expect(settings.voice).toEqual({ maxSeconds: 60, maxBytes: 2 * 1024 * 1024 });
    // Beside the panel's other settings: language, forms, opening hours.
    expect(settings).toMatchObject({ locale: 'en', texts: {}, preChatMode: 'off', online: false, open: true });
    const stored = await voice('duration=2.04&name=voice.webm', fixture('voice.webm'));
    expect(stored.status).toBe(201);
    const file = (await stored.json()) as { id: string; mimeType: string; duration: number };
    expect(file).toMatchObject({ mimeType: 'audio/webm', duration: 2.04 });
    const sent = await harness.request(`${base()}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ clientMessageId: 'voice-00001', attachmentIds: [file.id] }),
    });
    expect(sent.status).toBe(202);
    expect(((await sent.json()) as { accepted: { parts: unknown[] } }).accepted.parts).toEqual([
      { type: 'audio', attachmentId: file.id, name: 'voice.webm', mimeType: 'audio/webm', size: fixture('voice.webm').length, duration: 2.04 },
    ]);
    // Played back in the widget from the store: shown in place, never as a page.
    const played = await harness.request(`${base()}/attachments/${file.id}?token=${token}`);
    expect(played.headers.get('content-type')).toBe('video/webm');
    expect(played.headers.get('content-disposition')).toMatch(/^inline/);
  });

  it("keeps Safari's AAC-in-MP4 recording too", async () => {
    const stored = await voice('duration=2', fixture('voice.m4a'));
    expect(stored.status).toBe(201);
    expect(await stored.json()).toMatchObject({ mimeType: 'audio/x-m4a', duration: 2 });
  });

  it('refuses what is not audio, a recording over the time or size limit, and a channel that turned voice off', async () => {
    expect((await voice('duration=1', fixture('pixel.png'))).status).toBe(415);
    expect((await voice('duration=300', fixture('voice.webm'))).status).toBe(400);
    expect((await voice('', fixture('voice.webm'))).status).toBe(400);
    const tooBig = new Uint8Array(2 * 1024 * 1024 + 1);
    tooBig.set(fixture('voice.webm'));
    expect((await voice('duration=5', tooBig)).status).toBe(413);
    await updateChannel(harness.deps, harness.tenantId, harness.channel.id, { config: { voiceMessages: false } });
    try {
      expect((await voice('duration=1', fixture('voice.webm'))).status).toBe(403);
      expect((await (await harness.request(`${base()}/config`)).json()).voice).toBeNull();
    } finally {
      await updateChannel(harness.deps, harness.tenantId, harness.channel.id, { config: { voiceMessages: true } });
    }
  });
});
