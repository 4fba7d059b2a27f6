import { describe, expect, it } from 'vitest';
import { describeConnector } from '../core/connector/define.js';
import { builtInConnectors } from './index.js';

const chinese = /[\u4e00-\u9fff]/;

describe("each connector's settings in the console's languages", () => {
  it('every setting of every built-in connector has an English and a Chinese label, and hints in both or neither', () => {
    for (const connector of builtInConnectors) {
      const labels = (connector.labels ?? {}) as Record<string, { en: string; zh: string; hintEn?: string; hintZh?: string } | undefined>;
      for (const setting of Object.keys(connector.config.shape)) {
        const label = labels[setting];
        const where = `${connector.type}.${setting}`;
        expect(label, where).toBeDefined();
        expect(label!.en.trim(), where).not.toBe('');
        expect(label!.zh.trim(), where).not.toBe('');
        expect(Boolean(label!.hintEn), where).toBe(Boolean(label!.hintZh));
        if (label!.hintZh) expect(label!.hintZh, where).toMatch(chinese);
      }
    }
  });

  it('every built-in connector describes itself in Chinese too', () => {
    for (const connector of builtInConnectors) {
      expect(connector.descriptionZh, connector.type).toMatch(chinese);
      expect(describeConnector(connector).descriptionZh, connector.type).toBe(connector.descriptionZh);
    }
  });

  it('the console receives the labels with the form: a Chinese admin reads Chinese', () => {
    const twilio = builtInConnectors.find((c) => c.type === 'voice-twilio')!;
    const info = describeConnector(twilio) as { labels: Record<string, { zh: string } | undefined> };
    expect(info.labels.authToken?.zh).toBe('Auth Token');
    expect(info.labels.ringSeconds?.zh).toBe('振铃时长（秒）');
    const web = builtInConnectors.find((c) => c.type === 'web')!;
    expect((describeConnector(web).labels as Record<string, { zh: string } | undefined>).allowedOrigins?.zh).toBe('允许嵌入的网站');
  });
});
