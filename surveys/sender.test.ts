import { describe, expect, it } from 'vitest';
import { builtInConnectors } from '../connectors/index.js';
import { surveyParts, takesWrittenSurvey } from './sender.js';

describe('the satisfaction survey message', () => {
  it('goes out in writing on every channel that sends text, and never on a phone line', () => {
    for (const connector of builtInConnectors) {
      const sendsText = (connector.capabilities.send as readonly string[]).includes('text');
      expect({ type: connector.type, written: takesWrittenSurvey(connector.type) }).toEqual({ type: connector.type, written: sendsText });
    }
  });

  it('is a rating card in the web chat and a link elsewhere', () => {
    const url = 'https://support.example.com/survey/t0k3n';
    expect(surveyParts('web', url).map((p) => p.type)).toEqual(['text', 'event']);
    const email = surveyParts('email', url);
    expect(email).toHaveLength(1);
    expect(email[0]).toMatchObject({ type: 'text' });
    expect(JSON.stringify(email[0])).toContain(url);
  });

  it('asks for a reply from 1 to 5 on the text channels that take the reply as the rating, with the link beside it', () => {
    const url = 'https://support.example.com/survey/t0k3n';
    for (const type of ['telegram', 'whatsapp', 'wechat-oa', 'weibo', 'x']) {
      const [part, ...rest] = surveyParts(type, url);
      expect(rest).toEqual([]);
      expect(part).toMatchObject({ type: 'text', text: expect.stringContaining('Reply with a number from 1 (very dissatisfied) to 5 (very satisfied)') });
      expect(JSON.stringify(part)).toContain(url);
    }
    expect(JSON.stringify(surveyParts('email', url))).not.toContain('Reply with a number');
    expect(JSON.stringify(surveyParts('web', url))).not.toContain('Reply with a number');
  });
});
