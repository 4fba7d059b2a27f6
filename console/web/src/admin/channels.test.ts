import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.js';
import { zh } from '../i18n/zh.js';
import { qrImageSource, stateLine } from './ChannelState.js';
import { embedSnippet } from './ChannelsPage.js';
import { secretsToRepeat } from './secret-endpoints.js';

describe('the web chat embed code', () => {
  it('points at the server the webhook URL names, with the channel’s public key', () => {
    expect(embedSnippet({ webhookUrl: 'https://support.example.com/hooks/abc', publicKey: 'pk_123' })).toBe(
      '<script src="https://support.example.com/widget/widget.js" data-key="pk_123" async></script>',
    );
    expect(embedSnippet({ webhookUrl: 'https://support.example.com/hooks/abc', publicKey: null })).toBeUndefined();
  });
});

describe('a bot channel’s state on its page', () => {
  const states = ['starting', 'waiting_for_scan', 'logged_in', 'logged_out', 'error', 'stopped'] as const;
  it('has a sentence for every state in English and Chinese, naming the account when logged in', () => {
    for (const state of states) {
      const { key } = stateLine({ state, holder: null, updatedAt: '2026-12-02T08:00:00Z' });
      expect(en[key], state).toBeTruthy();
      expect(zh[key], state).toBeTruthy();
    }
    expect(stateLine({ state: 'logged_in', account: '茶叶小店客服 (wxid_shop)', holder: null, updatedAt: '' }).params.account).toBe('茶叶小店客服 (wxid_shop)');
    expect(en['channels.bot.logged_in']).toContain('{account}');
    expect(zh['channels.bot.logged_in']).toContain('{account}');
  });

  it('shows the QR code as an image, so nothing in it can run', () => {
    const source = qrImageSource('<svg xmlns="http://www.w3.org/2000/svg"><rect x="0" y="0"/></svg>');
    expect(source.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    expect(source).not.toContain('<');
  });
});

describe('a settings change that moves a stored secret', () => {
  const endpoints = { imapHost: ['imapPassword', 'imapAccessToken'], smtpHost: ['smtpPassword'] };
  const stored = { imapHost: 'imap.acme.example', smtpHost: 'smtp.acme.example', pollSeconds: 60 };
  const set = { imapPassword: true, imapAccessToken: false, smtpPassword: true };

  it('asks again for the set secrets of a changed address, and for nothing else', () => {
    expect(secretsToRepeat(endpoints, stored, set, { ...stored, imapHost: 'evil.example' })).toEqual(['imapPassword']);
    expect(secretsToRepeat(endpoints, stored, set, { ...stored, imapHost: 'evil.example', imapPassword: 'again' })).toEqual([]);
    expect(secretsToRepeat(endpoints, stored, set, { ...stored, pollSeconds: 30 })).toEqual([]);
    expect(secretsToRepeat(endpoints, stored, set, { pollSeconds: 30 })).toEqual([]);
    expect(secretsToRepeat(endpoints, stored, set, { imapHost: 'a.example', smtpHost: 'b.example' })).toEqual(['imapPassword', 'smtpPassword']);
    expect(en['channels.secretAgain']).toContain('{fields}');
    expect(zh['channels.secretAgain']).toContain('{fields}');
  });
});
