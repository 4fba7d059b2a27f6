import { describe, expect, it } from 'vitest';
import { appearanceOf, defineConnector, iconDataUrl } from '../core/connector/define.js';
import { builtInConnectors } from './index.js';

describe("each connector's own icon and name", () => {
  it('every built-in connector declares an icon and its name in English and Chinese', () => {
    for (const connector of builtInConnectors) {
      const { icon, names } = appearanceOf(connector);
      expect(icon, connector.type).toMatch(/^data:image\/svg\+xml;base64,/);
      expect(Buffer.from(icon!.split(',')[1]!, 'base64').toString()).toMatch(/^<svg /);
      expect(names.en.trim(), connector.type).not.toBe('');
      expect(names.zh.trim(), connector.type).not.toBe('');
    }
    const zh = Object.fromEntries(builtInConnectors.map((c) => [c.type, appearanceOf(c).names.zh]));
    expect(zh).toMatchObject({ 'wechat-oa': '微信公众号', 'wecom-kf': '微信客服（企业微信）', 'voice-twilio': '电话（Twilio）' });
  });

  it('refuses an icon that is neither SVG nor a PNG or SVG data URL, and one past 16 KB', () => {
    expect(iconDataUrl('data:image/png;base64,iVBORw0KGgo=')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(() => iconDataUrl('data:text/html;base64,PHNjcmlwdD4=')).toThrow(/SVG markup or a base64 PNG/);
    expect(() => iconDataUrl('https://example.com/icon.png')).toThrow(/SVG markup/);
    expect(() => iconDataUrl(`<svg>${'x'.repeat(17_000)}</svg>`)).toThrow(/16 KB/);
    const [first] = builtInConnectors;
    expect(() => defineConnector({ ...first!, appearance: { icon: 'javascript:alert(1)', name: { en: 'A', zh: 'A' } } })).toThrow(/icon/);
  });

  it('a connector without one is shown by its display name in both languages and no icon', () => {
    const [first] = builtInConnectors;
    expect(appearanceOf({ ...first!, appearance: undefined })).toEqual({ icon: null, names: { en: first!.displayName, zh: first!.displayName } });
  });
});
