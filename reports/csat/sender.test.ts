import { describe, expect, it } from 'vitest';
import { builtInConnectors } from '../../connectors/index.js';
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
});
