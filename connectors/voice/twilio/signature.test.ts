import { describe, expect, it } from 'vitest';
import { signatureMatches, twilioSignature } from './signature.js';

describe('X-Twilio-Signature', () => {
  // Twilio's documented example: auth token 12345, this URL and these POST parameters.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = new URLSearchParams({ CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' });

  it("reproduces Twilio's documented signature", () => {
    expect(twilioSignature('12345', url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('refuses a changed parameter, another URL, another token or no signature', () => {
    expect(signatureMatches('12345', url, params, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
    const changed = new URLSearchParams(params);
    changed.set('Digits', '1235');
    expect(signatureMatches('12345', url, changed, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
    expect(signatureMatches('12345', 'https://mycompany.com/myapp.php?foo=1&bar=3', params, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
    expect(signatureMatches('54321', url, params, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
    expect(signatureMatches('12345', url, params, undefined)).toBe(false);
  });
});
