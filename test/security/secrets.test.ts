import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestConsole, type ApiClient, type TestConsole } from '../support/console.js';

/** A TCP server that greets like an IMAP server and keeps every byte a client sends it. */
async function listener(greeting: string): Promise<{ port: number; received: () => string; close: () => Promise<void> }> {
  const chunks: Buffer[] = [];
  const server: Server = createServer((socket) => {
    socket.on('data', (data) => chunks.push(data));
    socket.on('error', () => {});
    socket.write(greeting);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    received: () => Buffer.concat(chunks).toString('latin1'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const IMAP_PASSWORD = 'imap-Stored-Pa55word';
const SMTP_PASSWORD = 'smtp-Stored-Pa55word';
const BOT_TOKEN = `123456789:${'A'.repeat(35)}`;

/**
 * Secrets follow their endpoint: moving a channel (or the OpenID Connect provider) to another
 * address without giving its secret again is refused, so an admin of channels cannot send the
 * stored password or token to a host of their choosing.
 */
describe('stored secrets never follow a changed address', () => {
  let tc: TestConsole;
  let admin: ApiClient;
  let imapTrap: Awaited<ReturnType<typeof listener>>;
  let smtpTrap: Awaited<ReturnType<typeof listener>>;

  beforeAll(async () => {
    tc = await startTestConsole();
    ({ admin } = await signUp(tc, 'secrets'));
    [imapTrap, smtpTrap] = await Promise.all([listener('* OK IMAP4rev1 ready\r\n'), listener('220 trap ESMTP\r\n')]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([imapTrap?.close(), smtpTrap?.close()]);
    await tc?.stop();
  });

  it('refuses a new IMAP or SMTP host, port or TLS mode without its password, naming it, and sends the stored one nowhere new', async () => {
    // Nothing listens on 127.0.0.2 at these ports: the real servers are "elsewhere".
    const created = await admin.post('/api/channels', {
      type: 'email',
      name: 'Support mailbox',
      config: {
        fromAddress: 'support@secrets.example',
        imapHost: '127.0.0.2',
        imapPort: imapTrap.port,
        imapSecurity: 'none',
        imapUser: 'support@secrets.example',
        imapPassword: IMAP_PASSWORD,
        smtpHost: '127.0.0.2',
        smtpPort: smtpTrap.port,
        smtpSecurity: 'none',
        smtpUser: 'support@secrets.example',
        smtpPassword: SMTP_PASSWORD,
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.channel.id as string;

    const hostOnly = await admin.patch(`/api/channels/${id}`, { config: { imapHost: '127.0.0.1' } });
    expect(hostOnly.status).toBe(400);
    expect(hostOnly.body.issues).toEqual([{ field: 'config.imapPassword', message: expect.stringContaining('imapHost') }]);

    const both = await admin.patch(`/api/channels/${id}`, { config: { imapHost: '127.0.0.1', smtpHost: '127.0.0.1' } });
    expect(both.status).toBe(400);
    expect(both.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['config.imapPassword', 'config.smtpPassword']);
    expect((await admin.patch(`/api/channels/${id}`, { config: { smtpPort: imapTrap.port } })).body.issues).toEqual([
      { field: 'config.smtpPassword', message: expect.any(String) },
    ]);
    expect((await admin.patch(`/api/channels/${id}`, { config: { imapSecurity: 'starttls' } })).status).toBe(400);

    // The channel still points where it did, so testing it reaches neither trap.
    expect((await admin.get(`/api/channels/${id}`)).body.config).toMatchObject({ imapHost: '127.0.0.2', smtpHost: '127.0.0.2' });
    const tested = await admin.post(`/api/channels/${id}/test`);
    expect(tested.body.ok).toBe(false);
    expect(imapTrap.received() + smtpTrap.received()).toBe('');

    // Settings that move no secret still change alone; a move with its password is fine.
    expect((await admin.patch(`/api/channels/${id}`, { config: { pollSeconds: 120, imapHost: '127.0.0.2' } })).status).toBe(200);
    const moved = await admin.patch(`/api/channels/${id}`, { config: { imapHost: '127.0.0.1', imapPassword: 'the new host password' } });
    expect(moved.status).toBe(200);
    expect(moved.body.config.imapHost).toBe('127.0.0.1');
    expect(JSON.stringify(moved.body)).not.toContain('the new host password');
  });

  it('refuses a new Telegram apiBaseUrl without the bot token, and takes it with the token', async () => {
    const created = await admin.post('/api/channels', { type: 'telegram', name: 'Bot', config: { botToken: BOT_TOKEN, mode: 'polling' } });
    expect(created.status).toBe(201);
    const id = created.body.channel.id as string;

    const alone = await admin.patch(`/api/channels/${id}`, { config: { apiBaseUrl: 'https://bot-api.attacker.example' } });
    expect(alone.status).toBe(400);
    expect(alone.body.issues).toEqual([{ field: 'config.botToken', message: expect.stringContaining('apiBaseUrl') }]);
    expect(JSON.stringify(alone.body)).not.toContain(BOT_TOKEN);
    expect((await admin.get(`/api/channels/${id}`)).body.config.apiBaseUrl).toBe('https://api.telegram.org');

    expect((await admin.patch(`/api/channels/${id}`, { config: { pollTimeoutSeconds: 10 } })).status).toBe(200);
    const withToken = await admin.patch(`/api/channels/${id}`, { config: { apiBaseUrl: 'https://bot-api.example', botToken: `987654321:${'B'.repeat(35)}` } });
    expect(withToken.status).toBe(200);
    expect(withToken.body.config.apiBaseUrl).toBe('https://bot-api.example');
  });

  it('refuses a new OpenID Connect issuer without the client secret', async () => {
    const first = await admin.put('/api/sso/oidc', {
      enabled: false,
      issuer: 'https://idp.secrets.example',
      clientId: 'switchboard',
      clientSecret: 'the client secret',
    });
    expect(first.status).toBe(200);

    const moved = await admin.put('/api/sso/oidc', { enabled: false, issuer: 'https://idp.attacker.example', clientId: 'switchboard' });
    expect(moved.status).toBe(400);
    expect(moved.body.issues).toEqual([{ field: 'clientSecret', message: expect.stringContaining('issuer') }]);
    expect((await admin.get('/api/sso')).body.oidc).toMatchObject({ issuer: 'https://idp.secrets.example', clientSecretSet: true });

    expect((await admin.put('/api/sso/oidc', { enabled: false, issuer: 'https://idp.secrets.example', clientId: 'another client' })).status).toBe(200);
    const withSecret = await admin.put('/api/sso/oidc', {
      enabled: false,
      issuer: 'https://idp.new.example',
      clientId: 'switchboard',
      clientSecret: 'a new client secret',
    });
    expect(withSecret.status).toBe(200);
    expect(withSecret.body.issuer).toBe('https://idp.new.example');
  });
});
