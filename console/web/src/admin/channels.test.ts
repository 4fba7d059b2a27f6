import { describe, expect, it } from 'vitest';
import { embedSnippet } from './ChannelsPage.js';

describe('the web chat embed code', () => {
  it('points at the server the webhook URL names, with the channel’s public key', () => {
    expect(embedSnippet({ webhookUrl: 'https://support.example.com/hooks/abc', publicKey: 'pk_123' })).toBe(
      '<script src="https://support.example.com/widget/widget.js" data-key="pk_123" async></script>',
    );
    expect(embedSnippet({ webhookUrl: 'https://support.example.com/hooks/abc', publicKey: null })).toBeUndefined();
  });
});
